"""HTML → PDF with WeasyPrint, for every paper the portal issues.

Papers are set in Times New Roman (ND 30/2020 on administrative documents); fontconfig maps it to Liberation Serif,
which has the same metrics and the full Vietnamese repertoire (fonts-liberation2). Mẫu 01–05 print on A5, Mẫu 06 on
A4 (TT 01/2018 art 9). Rendering is deterministic — the same data gives the same bytes — which is what lets
``service.issue`` recognise a reprint. Papers are always rendered in the portal's first language: a receipt is a
legal paper in Vietnamese whoever prints it.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

PAGE_SIZES = {"A4", "A4 landscape", "A5", "A5 landscape"}


def paper_language():  # -> a context manager
    """Papers are written in the portal's first language, whatever language the person printing uses: their data
    (dates in words, status labels) and their template alike, so the same data always gives the same bytes."""
    return translation.override(settings.LANGUAGE_CODE)


def render_html(template: str, context: dict[str, Any], *, page_size: str) -> str:
    if page_size not in PAGE_SIZES:
        raise ValueError(f"Unsupported page size {page_size!r}")
    with paper_language():
        return render_to_string(
            template,
            {
                **context,
                "page_size": page_size,
                "portal_name": settings.PORTAL_NAME,
                "province": settings.PORTAL_PROVINCE,
            },
        )


_local = threading.local()


def _font_config():  # -> weasyprint.text.fonts.FontConfiguration
    """One font configuration per thread: building it costs about as much as laying out a short page, and the papers
    load no web fonts that would make one document's configuration differ from another's."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint takes most of a second to import, which web processes that never print should not pay.
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=_font_config())


def render_pdf(template: str, context: dict[str, Any], *, page_size: str) -> bytes:
    """The PDF of ``template`` rendered with ``context`` on ``page_size`` paper."""
    return html_to_pdf(render_html(template, context, page_size=page_size))


def render_blank(*, page_size: str = "A5") -> bytes:
    """A blank page with the papers' stylesheet: the baseline of the documents benchmark."""
    return render_pdf("dossiers/documents/blank.html", {}, page_size=page_size)
