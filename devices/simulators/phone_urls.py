from django.urls import path

app_name = "phone"

urlpatterns: list[path] = []
