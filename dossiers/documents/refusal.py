"""Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ (refusal; ND 61/2018 art 17.1–17.2, 19.8).

Fields (research/regulations.md §2): number (…/PTC-…); the desk; applicant; ID number; address; phone; e-mail; the
dossier code if any; the request; the specific reasons for refusal; signatures of the submitter and the officer.
The reasons are the note of the refusal event the workflow recorded.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dossiers.models import Dossier, IssuedDocument, Status
from dossiers.models.core import Channel
from portal.models import User

from . import formatting, numbering
from .common import DocumentNotAvailable, DocumentSpec, common_context, last_event, letterhead, person_name

KIND = IssuedDocument.Kind.REFUSAL
TEMPLATE = "dossiers/documents/mau03_refusal.html"
PAGE_SIZE = "A5"
SERIES = numbering.Series.REFUSAL


def subject(dossier: Dossier) -> str:
    return f"dossier:{dossier.pk}"


def reasons_of(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    lines = [line.strip(" -•\t") for line in str(value or "").splitlines()]
    return [line for line in lines if line]


def build(dossier: Dossier, *, by: User | None = None, **extra: Any) -> DocumentSpec:
    event = last_event(dossier, actions=("refuse",), to_status=(Status.REFUSED,))
    reasons = reasons_of(extra.get("reasons")) or reasons_of(event.note if event else "")
    if not reasons:
        raise DocumentNotAvailable(_("Chưa có lý do cụ thể để lập Phiếu từ chối tiếp nhận giải quyết hồ sơ."))
    moment = (event.at if event else None) or dossier.refused_at
    if moment is None:
        raise DocumentNotAvailable(_("Hồ sơ không bị từ chối tiếp nhận."))
    agency = dossier.receiving_agency
    number = numbering.allocate(
        agency=agency, year=formatting.local(moment).year, series=SERIES, subject=subject(dossier)
    )
    officer = (event.actor if event else None) or by
    context = {
        **common_context(dossier),
        "letterhead": letterhead(agency, desk=True),
        "desk_name": agency.name,
        "place_date": formatting.place_and_date(moment),
        "submitted_text": formatting.moment_text(dossier.submitted_at or moment),
        "reasons": reasons,
        "officer_name": person_name(officer) or (event.actor_label if event else ""),
        "online": dossier.channel == Channel.ONLINE,
    }
    return DocumentSpec(kind=KIND, template=TEMPLATE, page_size=PAGE_SIZE, context=context, number=number)
