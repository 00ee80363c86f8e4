"""The portal's URLs plus the baseline view of bench_public.py."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def minimal(request: HttpRequest) -> JsonResponse:
    """The baseline: Django's full request cycle and middleware, no query, a tiny JSON body."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/minimal/", minimal),
    path("", include("portal.urls")),
]

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
