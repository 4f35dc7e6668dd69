from django.urls import include, path

from devices import activation_views, order_views

app_name = "dsc_plus"

urlpatterns = [
    path("", order_views.order_start_view, name="start"),
    path("order/address/", order_views.order_address_view, name="address"),
    path("order/address/change/", order_views.order_address_change_view, name="address_change"),
    path("order/pin/", order_views.order_pin_view, name="pin"),
    path("order/summary/", order_views.order_summary_view, name="summary"),
    path("order/confirmation/", order_views.order_confirmation_view, name="confirmation"),
    path("activate/", activation_views.order_activate_view, name="activate"),
    # The PIN change (T8) is device logic, under this namespace ("dsc_plus:pin_change").
    path("", include("devices.pin.urls")),
]
