from django.urls import path

from . import views

app_name = "devices"

urlpatterns = [
    path("login/device/", views.login_device_view, name="login_device"),
    path("login/device/push-status/", views.login_push_status_view, name="login_push_status"),
]
