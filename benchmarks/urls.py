"""The site's URLs plus a minimal view, the baseline for Django's own overhead."""

from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns


def hello(request):
    response = HttpResponse("hello", content_type="text/plain")
    response["Cache-Control"] = "private"  # Keep it out of the page cache: it is the baseline.
    return response


urlpatterns = [path("bench/hello/", hello), *site_urlpatterns]
