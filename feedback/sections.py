"""FAQ blocks on the catalogue pages (Long An 30/2019 art 6.4), registered in procedures.hooks by apps.py."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from feedback.models import FAQ


def procedure_faq_section(request: HttpRequest, *, procedure, version, **context) -> dict | None:
    faqs = list(FAQ.objects.published().filter(procedure=procedure))
    if not faqs:
        return None
    return {
        "template": "feedback/faq_section.html",
        "faqs": faqs,
        "title": _("Câu hỏi thường gặp"),
        "anchor": "hoi-dap",
    }


def general_faq_section(request: HttpRequest, **context) -> dict | None:
    faqs = list(FAQ.objects.published().general())
    if not faqs:
        return None
    return {
        "template": "feedback/faq_section.html",
        "faqs": faqs,
        "title": _("Câu hỏi thường gặp về Cổng Dịch vụ công"),
        "anchor": "hoi-dap",
    }
