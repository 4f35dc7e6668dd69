from django.urls import path

from devices.authenticator_app import views

app_name = "authenticator_app"

urlpatterns = [
    path("", views.app_start_view, name="start"),
    path("confirm/", views.app_confirm_view, name="confirm"),
]
