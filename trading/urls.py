"""Mounted at /api/trading/ by the project's urls."""

from .api import api

urlpatterns, app_name, _namespace = api.urls
