"""Sections that higher apps add to catalogue pages, by registration (DESIGN §2: procedures never imports them).

A section is a callable ``section(request, **context) -> dict | None``. The dict has a ``"template"`` key (the
template that renders it) and whatever else that template needs; ``None`` leaves the section out. Register in
your AppConfig.ready()::

    from procedures import hooks

    hooks.register_detail_section("faq", faq_section, order=50)  # feedback: FAQ entries (Long An art 6.4)
    hooks.register_detail_section("usage", usage_section, order=40)  # reporting: usage, on-time counts

Slots:

- ``DETAIL`` — the procedure's public page; context ``procedure`` and ``version`` (the version shown).
- ``HELP`` — the help page (``procedures:help``); no extra context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

DETAIL = "procedure_detail"
HELP = "help"

Section = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class RegisteredSection:
    slot: str
    name: str
    order: int
    section: Section


_SECTIONS: dict[tuple[str, str], RegisteredSection] = {}


def register(slot: str, name: str, section: Section, *, order: int = 100) -> None:
    """Add (or replace, by name) a section of ``slot``."""
    _SECTIONS[(slot, name)] = RegisteredSection(slot, name, order, section)


def register_detail_section(name: str, section: Section, *, order: int = 100) -> None:
    register(DETAIL, name, section, order=order)


def register_help_section(name: str, section: Section, *, order: int = 100) -> None:
    register(HELP, name, section, order=order)


def unregister(slot: str, name: str) -> None:
    _SECTIONS.pop((slot, name), None)


def sections(slot: str, request: HttpRequest, **context: Any) -> list[dict[str, Any]]:
    """The rendered-to-be blocks of ``slot``, in order; each is the dict its section returned plus its name."""
    blocks = []
    for registered in sorted((s for s in _SECTIONS.values() if s.slot == slot), key=lambda s: (s.order, s.name)):
        block = registered.section(request, **context)
        if block:
            blocks.append({"name": registered.name, **block})
    return blocks
