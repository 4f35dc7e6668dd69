from django.urls import path

from devices import temporary_views, views

app_name = "devices"

urlpatterns = [
    path("login/device/", views.login_device_view, name="login_device"),
    path("login/device/push-status/", views.login_push_status_view, name="login_push_status"),
    path("online-card/", temporary_views.online_card_view, name="online_card"),
    path("online-card/card.png", temporary_views.online_card_png_view, name="online_card_png"),
    path(
        "settings/secure-login/reactivate/",
        temporary_views.device_reactivate_view,
        name="device_reactivate",
    ),
]
