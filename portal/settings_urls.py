"""Settings and funding pages of the Client Portal (O1, O2, O3)."""

from django.urls import path

from portal import funding_views, sls_views

app_name = "settings"

urlpatterns = [
    path("settings/secure-login/configure/", sls_views.sls_configure_view, name="sls_configure"),
    path("settings/secure-login/opt-out/", sls_views.sls_opt_out_view, name="sls_opt_out"),
    path("settings/secure-login/updated/", sls_views.sls_updated_view, name="sls_updated"),
    path(
        "settings/bank-instructions/",
        funding_views.bank_instructions_view,
        name="bank_instructions",
    ),
    path("settings/email/", funding_views.email_change_view, name="email"),
    path("funding/deposit/", funding_views.deposit_view, name="deposit"),
]
