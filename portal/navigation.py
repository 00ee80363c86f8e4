"""Navigation by role. Apps register their entries in AppConfig.ready(); the kernel imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

Audience = Callable[[object], bool]


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    audience: Audience
    order: int = 100


_ITEMS: list[NavItem] = []


def register(label: str, url_name: str, *, audience: Audience, order: int = 100) -> None:
    if any(item.url_name == url_name for item in _ITEMS):
        return
    _ITEMS.append(NavItem(label, url_name, audience, order))
    _ITEMS.sort(key=lambda item: item.order)


def everyone(user: object) -> bool:
    return True


def signed_in(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def navigation_for(user: object) -> list[dict[str, str]]:
    items = []
    for item in _ITEMS:
        if not item.audience(user):
            continue
        try:
            items.append({"label": str(item.label), "url": reverse(item.url_name), "name": item.url_name})
        except NoReverseMatch:
            continue
    return items
