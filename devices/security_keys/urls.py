from django.urls import path

from devices.security_keys import views

app_name = "security_keys"

urlpatterns = [
    path("add/", views.security_key_add_view, name="add"),
    path("register/", views.security_key_register_view, name="register"),
]
