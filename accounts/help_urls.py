"""Help pages for login problems (E2): open to everybody, since whoever needs them cannot
log in."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "help"

urlpatterns = [
    path(
        "login/",
        TemplateView.as_view(template_name="help/portal_login.html"),
        name="portal_login",
    ),
    path(
        "trading-login/",
        TemplateView.as_view(template_name="help/trading_login.html"),
        name="trading_login",
    ),
]
