from django.urls import path

from devices.sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.share_owner_view, name="owner"),
    path("device/", views.share_device_view, name="device"),
    path("review/", views.share_review_view, name="review"),
    path("status/", views.share_status_view, name="status"),
    path("<int:share_id>/cancel/", views.share_cancel_view, name="cancel"),
]
