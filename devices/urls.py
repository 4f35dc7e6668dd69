from django.urls import include, path

from devices import views

app_name = "devices"

urlpatterns = [
    path("login/device/", views.login_device_view, name="login_device"),
    path("login/device/push-status/", views.login_push_status_view, name="login_push_status"),
    # Interim access after a lost device, under this namespace ("devices:online_card").
    path("", include("devices.temporary.urls")),
]
