"""Mounted at /api/trading/ by the project's urls, under ninja's `trading_api` namespace."""

from .api import api

urlpatterns, _ninja_app, app_name = api.urls
