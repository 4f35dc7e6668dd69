"""The PIN change page (T8), included by the DSC+ pages under their namespace
("dsc_plus:pin_change") and URL prefix."""

from django.urls import path

from devices.pin import views

urlpatterns = [
    path("change-pin/", views.pin_change_view, name="pin_change"),
]
