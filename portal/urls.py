from django.urls import path

from portal import notice_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.dashboard_view, name="dashboard"),
    path("settings/secure-login/", views.secure_login_settings_view, name="secure_login"),
    path(
        "notices/<int:notice_id>/dismiss/", notice_views.notice_dismiss_view, name="notice_dismiss"
    ),
]
