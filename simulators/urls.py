from django.urls import path

from simulators import security_key_views, views

app_name = "simulators"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("keypad/", views.keypad_view, name="keypad"),
    path("token/", views.token_view, name="token"),
    path("card/<str:serial>/", views.printed_card_view, name="printed_card"),
    path("security-key/", security_key_views.security_key_view, name="security_key"),
    path(
        "security-key/register/",
        security_key_views.security_key_register_view,
        name="security_key_register",
    ),
    path("security-key/sign/", security_key_views.security_key_sign_view, name="security_key_sign"),
]
