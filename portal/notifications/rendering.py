"""Message texts are Django templates: ``templates/notifications/<event>.subject.txt``, ``.email.txt``, ``.sms.txt``.

Zalo uses ``<event>.zalo.txt`` when it exists, else the SMS text. Plain text is rendered without HTML escaping
(an ampersand in an agency's name must not arrive as ``&amp;``); nothing rendered here ever reaches a web page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.template import Engine, TemplateDoesNotExist
from django.utils import translation

TEMPLATE_FOLDER = "notifications"
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class RenderedText:
    subject: str
    body: str


@lru_cache(maxsize=1)
def _engine() -> Engine:
    options = settings.TEMPLATES[0]
    return Engine(
        dirs=[str(d) for d in options.get("DIRS", [])],
        app_dirs=options.get("APP_DIRS", True),
        autoescape=False,
        libraries=options.get("OPTIONS", {}).get("libraries", {}),
        builtins=options.get("OPTIONS", {}).get("builtins", []),
    )


def _render(name: str, context: dict[str, Any]) -> str:
    from django.template import Context

    return _engine().get_template(name).render(Context(context, autoescape=False))


def body_template_names(event: str, channel: str) -> list[str]:
    if channel == "email":
        return [f"{TEMPLATE_FOLDER}/{event}.email.txt"]
    if channel == "zalo":
        return [f"{TEMPLATE_FOLDER}/{event}.zalo.txt", f"{TEMPLATE_FOLDER}/{event}.sms.txt"]
    return [f"{TEMPLATE_FOLDER}/{event}.sms.txt"]


def render_message(*, event: str, channel: str, context: dict[str, Any], language: str | None = None) -> RenderedText:
    """Subject and body of ``event`` for ``channel``, in ``language`` (Vietnamese by default)."""
    full_context = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_URL": settings.PORTAL_BASE_URL.rstrip("/"),
        "channel": channel,
        **context,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _render(f"{TEMPLATE_FOLDER}/{event}.subject.txt", full_context)
        body = None
        names = body_template_names(event, channel)
        for name in names:
            try:
                body = _render(name, full_context)
                break
            except TemplateDoesNotExist:
                continue
        if body is None:
            raise TemplateDoesNotExist(", ".join(names))
    subject = " ".join(subject.split())[:255]
    body = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in body.strip().splitlines()))
    return RenderedText(subject=subject, body=body)
