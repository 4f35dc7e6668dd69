from django.urls import path

app_name = "enrolment"

urlpatterns: list[path] = []
