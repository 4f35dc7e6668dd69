from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_urlpatterns


def done_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("logged in", content_type="text/plain")


urlpatterns = [path("", include(two_factor_urlpatterns)), path("done/", done_view)]
