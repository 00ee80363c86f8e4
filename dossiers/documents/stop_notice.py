"""Thông báo dừng giải quyết hồ sơ (notice that processing has stopped; TT 03/2025 form 05, national status 8).

The notice tells the applicant which dossier stops, since when, why, and what it means for them; it is signed by
the head of the competent agency. The reason is the note of the stop event the workflow recorded.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dossiers.models import Dossier, IssuedDocument, Status
from portal.models import User

from . import formatting, numbering
from .common import DocumentNotAvailable, DocumentSpec, common_context, last_event, letterhead, person_name, title_of

KIND = IssuedDocument.Kind.STOP_NOTICE
TEMPLATE = "dossiers/documents/stop_notice.html"
PAGE_SIZE = "A5"
SERIES = numbering.Series.STOP_NOTICE


def subject(dossier: Dossier) -> str:
    return f"dossier:{dossier.pk}"


def build(dossier: Dossier, *, by: User | None = None, **extra: Any) -> DocumentSpec:
    event = last_event(dossier, actions=("stop",), to_status=(Status.STOPPED,))
    reason = str(extra.get("reason") or (event.note if event else "")).strip()
    if not reason:
        raise DocumentNotAvailable(_("Chưa có lý do dừng giải quyết hồ sơ."))
    moment = dossier.stopped_at or (event.at if event else None)
    if moment is None:
        raise DocumentNotAvailable(_("Hồ sơ chưa dừng giải quyết."))
    agency = dossier.competent_agency
    number = numbering.allocate(
        agency=agency, year=formatting.local(moment).year, series=SERIES, subject=subject(dossier)
    )
    head = (event.actor if event else None) or by
    context = {
        **common_context(dossier),
        "letterhead": letterhead(agency),
        "agency_name": agency.name,
        "place_date": formatting.place_and_date(moment),
        "stopped_text": formatting.moment_text(moment),
        "received_date": formatting.date_text(dossier.received_at),
        "reason": reason,
        "head_name": person_name(head) or (event.actor_label if event else ""),
        "head_title": title_of(head, agency),
        "desk_name": dossier.receiving_agency.name,
        "desk_phone": dossier.receiving_agency.phone,
    }
    return DocumentSpec(kind=KIND, template=TEMPLATE, page_size=PAGE_SIZE, context=context, number=number)
