from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    from portal.navigation import navigation_for

    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_PROVINCE": settings.PORTAL_PROVINCE,
        "DEMO_MODE": settings.DEMO_MODE,
        "nav_items": navigation_for(request.user),
    }
