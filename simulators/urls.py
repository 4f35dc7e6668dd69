from django.urls import path

from simulators import views

app_name = "simulators"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("keypad/", views.keypad_view, name="keypad"),
    path("token/", views.token_view, name="token"),
    path("card/<str:serial>/", views.printed_card_view, name="printed_card"),
]
