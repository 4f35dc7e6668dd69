from django.urls import path

from withdrawals import views

app_name = "withdrawals"

urlpatterns = [
    path("", views.withdrawal_view, name="withdraw"),
    path("approve/<str:token>/", views.withdrawal_approve_view, name="approve"),
    path("<int:pk>/", views.withdrawal_detail_view, name="detail"),
]
