"""Interim access pages (T3, T4), included by `devices.urls` under its namespace."""

from django.urls import path

from devices.temporary import views

urlpatterns = [
    path("online-card/", views.online_card_view, name="online_card"),
    path("online-card/card.png", views.online_card_png_view, name="online_card_png"),
    path(
        "settings/secure-login/reactivate/",
        views.device_reactivate_view,
        name="device_reactivate",
    ),
]
