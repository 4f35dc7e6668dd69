from django.urls import path

from simulators import phone_activation_views as activation
from simulators import phone_authenticator_views as authenticator
from simulators import phone_views as views

app_name = "phone"

urlpatterns = [
    path("", views.phones_view, name="phones"),
    path("inbox/", views.inbox_view, name="inbox"),
    path("activate/", views.activate_view, name="activate"),
    path("<str:installation_id>/", views.app_view, name="app"),
    path(
        "<str:installation_id>/activation/",
        activation.activation_start_view,
        name="activation_start",
    ),
    path(
        "<str:installation_id>/activation/device/",
        activation.activation_device_view,
        name="activation_device",
    ),
    path(
        "<str:installation_id>/activation/answer/",
        activation.activation_answer_view,
        name="activation_answer",
    ),
    path(
        "<str:installation_id>/activation/number/",
        activation.activation_number_view,
        name="activation_number",
    ),
    path(
        "<str:installation_id>/activation/code/",
        activation.activation_finish_view,
        name="activation_finish",
    ),
    path(
        "<str:installation_id>/activation/cancel/",
        activation.activation_cancel_view,
        name="activation_cancel",
    ),
    path("<str:installation_id>/push/<int:push_id>/", views.push_view, name="push"),
    path("<str:installation_id>/authenticate/", views.authenticate_view, name="authenticate"),
    path(
        "<str:installation_id>/authenticator/",
        authenticator.authenticator_add_view,
        name="authenticator_add",
    ),
]
