"""Blocks of the home page that other apps contribute (catalogue highlights, statistics), by registration."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

HomeSection = Callable[[HttpRequest], dict | None]
_SECTIONS: list[tuple[int, HomeSection]] = []


def register(section: HomeSection, *, order: int = 100) -> None:
    if section not in [s for _o, s in _SECTIONS]:
        _SECTIONS.append((order, section))
        _SECTIONS.sort(key=lambda pair: pair[0])


def home_sections(request: HttpRequest) -> list[dict]:
    """Each section is {"template": …, **context}; a section returning None is skipped."""
    out = []
    for _order, section in _SECTIONS:
        block = section(request)
        if block:
            out.append(block)
    return out
