"""The portal's URLs plus the baseline and the floor views of bench_public.py."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def minimal(request: HttpRequest) -> JsonResponse:
    """The baseline: Django's full request cycle and middleware, no query, a tiny JSON body."""
    return JsonResponse({"ok": True})


def lookup_floor(request: HttpRequest, code: str) -> JsonResponse:
    """What any lookup must do and no more: count the client in the shared rate limit (Redis) and read the dossier
    (PostgreSQL, the prepared statement), then answer as little as the baseline. Its throughput ÷ the baseline's is
    the most a lookup built on these two round trips can reach, whatever the code around them."""
    from dossiers.selectors.lookup import find
    from dossiers.views.lookup import limited

    limited(request)
    return JsonResponse({"ok": find(code) is not None})


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/floor/<str:code>/", lookup_floor),
    path("", include("portal.urls")),
]

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
