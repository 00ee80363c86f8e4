from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def portal_name() -> str:
    """The portal's name in the active language: a province may give an English name (PORTAL_NAME_EN)."""
    english = getattr(settings, "PORTAL_NAME_EN", "")
    if english and (get_language() or "").startswith("en"):
        return english
    return settings.PORTAL_NAME


def portal(request: HttpRequest) -> dict:
    from portal.navigation import navigation_for

    return {
        "PORTAL_NAME": portal_name(),
        "PORTAL_PROVINCE": settings.PORTAL_PROVINCE,
        "DEMO_MODE": settings.DEMO_MODE,
        "nav_items": navigation_for(request.user),
    }
