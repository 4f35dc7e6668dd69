from django.urls import path

from . import phone_views as views

app_name = "phone"

urlpatterns = [
    path("", views.phones_view, name="phones"),
    path("inbox/", views.inbox_view, name="inbox"),
    path("activate/", views.activate_view, name="activate"),
    path("<str:installation_id>/", views.app_view, name="app"),
    path(
        "<str:installation_id>/activation/",
        views.activation_start_view,
        name="activation_start",
    ),
    path(
        "<str:installation_id>/activation/code/",
        views.activation_finish_view,
        name="activation_finish",
    ),
    path(
        "<str:installation_id>/activation/cancel/",
        views.activation_cancel_view,
        name="activation_cancel",
    ),
    path("<str:installation_id>/push/<int:push_id>/", views.push_view, name="push"),
    path("<str:installation_id>/authenticate/", views.authenticate_view, name="authenticate"),
]
