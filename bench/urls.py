"""The project's URLs plus the load test's baseline: a trivial page on the same server."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from baanbrekers.urls import handler403, handler404, handler500  # noqa: F401
from baanbrekers.urls import urlpatterns as project_urlpatterns


@require_GET
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *project_urlpatterns]
