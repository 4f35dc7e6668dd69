"""The DSC+ pages under Settings → Secure Login System (T5, T6, T8), namespace "dsc_plus"."""

from django.urls import include, path

from orders import activation_views, views

app_name = "dsc_plus"

urlpatterns = [
    path("", views.order_start_view, name="start"),
    path("order/address/", views.order_address_view, name="address"),
    path("order/address/change/", views.order_address_change_view, name="address_change"),
    path("order/pin/", views.order_pin_view, name="pin"),
    path("order/summary/", views.order_summary_view, name="summary"),
    path("order/confirmation/", views.order_confirmation_view, name="confirmation"),
    path("activate/", activation_views.order_activate_view, name="activate"),
    # The PIN change (T8) is device logic, under this namespace ("dsc_plus:pin_change").
    path("", include("devices.pin.urls")),
]
