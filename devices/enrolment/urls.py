from django.urls import path

from devices.enrolment import views as enrolment_views

app_name = "enrolment"

urlpatterns = [
    path("", enrolment_views.enrolment_start_view, name="start"),
    path("confirm/", enrolment_views.enrolment_confirm_view, name="confirm"),
]
