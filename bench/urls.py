"""The portal's URLs and a bare view that does nothing, served by the same workers and
middleware: what any request costs before the login's own work."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from sls_portal.urls import urlpatterns as portal_urlpatterns


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare_view), *portal_urlpatterns]
