"""Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment slip; TT 01/2018 art 9, ND 61 art 17).

Fields (research/regulations.md §2): managing unit and desk; number; place and date; dossier code; applicant, ID
number, address, phone, e-mail; delegate (if any); the request; the documents received; number of sets; the legal
time limit; time received; appointment time; where the result is collected; the tracking-book volume and line;
signatures of the submitter and the receiving officer. Long An 30/2019 art 14.2: a QR code to look the dossier up.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from dossiers.models import Attachment, Dossier, IssuedDocument
from dossiers.models.core import Channel, ResultChannel
from portal import clock
from portal.models import User

from . import formatting, numbering, qr
from .common import DocumentNotAvailable, DocumentSpec, common_context, last_event, letterhead, person_name

KIND = IssuedDocument.Kind.RECEIPT
TEMPLATE = "dossiers/documents/mau01_receipt.html"
PAGE_SIZE = "A5"
SERIES = numbering.Series.RECEIPT


def subject(dossier: Dossier) -> str:
    return f"dossier:{dossier.pk}"


def book_number(dossier: Dossier) -> numbering.Number:
    """The receipt's number, which is also its line in the year's tracking book (Mẫu 06) of the receiving agency.

    The book is opened per year and numbered from 01 (TT 01/2018 art 10), by the year of receipt.
    """
    received = formatting.local(dossier.received_at) or formatting.local(clock.now())
    return numbering.allocate(
        agency=dossier.receiving_agency, year=received.year, series=SERIES, subject=subject(dossier)
    )


def documents_received(dossier: Dossier) -> list[dict[str, Any]]:
    """The components handed in, in the procedure's order, with their latest files (a supplement adds versions).

    A paper dossier that was not scanned has no files: the components the procedure asks for are listed then.
    """
    files = (
        Attachment.objects.filter(dossier=dossier, removed_at__isnull=True)
        .select_related("component")
        .order_by("component__sort_order", "component_id", "version", "pk")
    )
    rows: dict[Any, dict[str, Any]] = {}
    for item in files:
        key = item.component_id or f"file-{item.pk}"
        component = item.component
        row = rows.setdefault(
            key,
            {
                "name": component.name if component else item.original_name,
                "originals": component.originals if component else None,
                "copies": component.copies if component else None,
                "files": 0,
                "version": 0,
            },
        )
        row["files"] += 1
        row["version"] = max(row["version"], item.version)
    if rows:
        return list(rows.values())
    return [
        {"name": c.name, "originals": c.originals, "copies": c.copies, "files": 0, "version": 0}
        for c in dossier.procedure_version.components.filter(required=True).order_by("sort_order", "pk")
    ]


def result_place(dossier: Dossier) -> str:
    agency = dossier.receiving_agency
    if dossier.result_channel == ResultChannel.ONLINE:
        return _("Trực tuyến trên %(portal)s") % {"portal": settings.PORTAL_NAME}
    if dossier.result_channel == ResultChannel.POSTAL:
        return _("Qua dịch vụ bưu chính công ích, tại địa chỉ: %(address)s") % {
            "address": dossier.applicant_address or "…"
        }
    place = _("Bộ phận tiếp nhận và trả kết quả — %(agency)s") % {"agency": agency.name}
    return f"{place}, {agency.address}" if agency.address else place


def build(dossier: Dossier, *, by: User | None = None, **extra: Any) -> DocumentSpec:
    # Any dossier that was received has its slip, whatever happened since (a reprint after withdrawal included).
    if not dossier.code or not dossier.received_at:
        raise DocumentNotAvailable(_("Hồ sơ chưa được tiếp nhận nên chưa có Giấy tiếp nhận hồ sơ và hẹn trả kết quả."))
    number = book_number(dossier)
    accepted = last_event(dossier, actions=("accept", "intake"))
    officer = (accepted.actor if accepted else None) or by
    lookup = qr.lookup_url(dossier)
    context = {
        **common_context(dossier),
        "letterhead": letterhead(dossier.receiving_agency, desk=True),
        "desk_name": dossier.receiving_agency.name,
        "place_date": formatting.place_and_date(dossier.received_at),
        "delegate": extra.get("delegate", ""),
        "documents": documents_received(dossier),
        # An electronic dossier is one set; at the counter the officer states how many paper sets were handed in.
        "sets": int(extra.get("sets") or 1),
        "result_place": result_place(dossier),
        "book_volume": number.year,
        "book_line": number.seq,
        "online": dossier.channel == Channel.ONLINE,
        "channel_label": dossier.get_channel_display(),
        "officer_name": person_name(officer) or (accepted.actor_label if accepted else ""),
        "lookup_url": lookup,
        "qr": qr.png_data_uri(lookup),
        "due_short": formatting.short_moment(dossier.due_at),
    }
    return DocumentSpec(kind=KIND, template=TEMPLATE, page_size=PAGE_SIZE, context=context, number=number)
