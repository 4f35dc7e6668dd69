from django.apps import apps
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from portal.views import admin_login_redirect, logout_view

# Staff pages need a verified session too: the admin site checks user.is_verified().
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "SLS Portal support desk"
admin.site.site_title = "SLS Portal support"
admin.site.index_title = "Support desk"

# The simulators' pages exist only where their app is installed (SLS_SIMULATORS on).
simulator_urls = (
    [
        path("simulators/phone/", include("simulators.phone_urls")),
        path("simulators/", include("simulators.urls")),
    ]
    if apps.is_installed("simulators")
    else []
)

urlpatterns = [
    path("admin/login/", admin_login_redirect),
    path("admin/logout/", logout_view),
    path("admin/", admin.site.urls),
    *simulator_urls,
    path("api/trading/", include("trading.urls")),
    path("enrol/", include("devices.enrolment.urls")),
    path("settings/secure-login/share/", include("devices.sharing.urls")),
    path("settings/secure-login/authenticator-app/", include("devices.authenticator_app.urls")),
    path("settings/secure-login/security-keys/", include("devices.security_keys.urls")),
    path("help/", include("accounts.help_urls")),
    path("", include("portal.settings_urls")),
    path("settings/secure-login/dsc-plus/", include("orders.urls")),
    path("withdrawals/", include("withdrawals.urls")),
    path("", include("devices.urls")),
    path("", include("portal.urls")),
]

# The portal's own error pages, and the trading API's JSON below /api/ (portal.error_views).
handler400 = "portal.error_views.bad_request"
handler403 = "portal.error_views.permission_denied"
handler404 = "portal.error_views.page_not_found"
handler500 = "portal.error_views.server_error"
