"""Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả (apology and new appointment; ND 61/2018 art 19.9,
Long An 30/2019 art 11.3).

Fields (research/regulations.md §2): the addressee; the date received; the agency; the procedure; the ID number; the
dossier code; the original appointment (hour, date); the statement that the result is late; the reason; the
apology; the new return date; the signature of the head of the agency.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dossiers.models import ApologySlip, Dossier, IssuedDocument
from portal.models import User

from . import formatting, numbering
from .common import DocumentNotAvailable, DocumentSpec, common_context, letterhead, person_name, title_of

KIND = IssuedDocument.Kind.APOLOGY
TEMPLATE = "dossiers/documents/mau04_apology.html"
PAGE_SIZE = "A5"
SERIES = numbering.Series.APOLOGY


def subject(slip: ApologySlip) -> str:
    return f"apology:{slip.pk}"


def build(dossier: Dossier, *, by: User | None = None, **extra: Any) -> DocumentSpec:
    slip = ApologySlip.objects.filter(dossier=dossier).select_related("signed_by").first()
    if slip is None:
        raise DocumentNotAvailable(_("Hồ sơ chưa có phiếu xin lỗi và hẹn lại ngày trả kết quả."))
    agency = dossier.competent_agency
    number = numbering.allocate(
        agency=agency, year=formatting.local(slip.issued_at).year, series=SERIES, subject=subject(slip)
    )
    head = slip.signed_by or by
    context = {
        **common_context(dossier),
        "letterhead": letterhead(agency),
        "agency_name": agency.name,
        "place_date": formatting.place_and_date(slip.issued_at),
        "received_date": formatting.date_text(dossier.received_at),
        "original_due_text": formatting.moment_text(slip.original_due_at),
        "new_due_text": formatting.moment_text(slip.new_due_at),
        "reason": slip.reason,
        "head_name": person_name(head),
        "head_title": title_of(head, agency),
    }
    return DocumentSpec(kind=KIND, template=TEMPLATE, page_size=PAGE_SIZE, context=context, number=number)
