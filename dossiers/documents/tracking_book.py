"""Mẫu 06 — Sổ theo dõi hồ sơ (dossier tracking book; TT 01/2018 art 9–10), per receiving agency and period, on A4.

Columns (research/regulations.md §2): No.; dossier code; procedure; number of sets; applicant; address and phone;
lead agency; date received; appointment; date returned; delivery method; signature on receipt; notes. The No. is the
dossier's line in the year's book, the same number its receipt (Mẫu 01) printed: the book is opened per year and
numbered continuously from 01 (TT 01/2018 art 10).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import DocumentNumber, Dossier, DossierEvent, IssuedDocument, Status
from dossiers.models.core import ResultChannel
from portal import clock
from portal.models import Agency

from . import formatting, receipt
from .common import DocumentNotAvailable, DocumentSpec, letterhead

KIND = IssuedDocument.Kind.TRACKING_BOOK
TEMPLATE = "dossiers/documents/mau06_tracking_book.html"
PAGE_SIZE = "A4 landscape"


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in the portal's time zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def dossiers_received(*, agency: Agency, start: date, end: date) -> QuerySet[Dossier]:
    low, high = period_bounds(start, end)
    return Dossier.objects.filter(receiving_agency=agency, received_at__gte=low, received_at__lt=high)


def _book_lines(dossiers: list[Dossier]) -> dict[int, int]:
    """dossier id → its line in the book; dossiers without a receipt yet get theirs now, in order of receipt."""
    subjects = {receipt.subject(d): d.pk for d in dossiers}
    lines = {
        subjects[row.subject]: row.seq
        for row in DocumentNumber.objects.filter(series=receipt.SERIES, subject__in=list(subjects))
    }
    for d in sorted(dossiers, key=lambda d: (d.received_at, d.pk)):
        if d.pk not in lines:
            lines[d.pk] = receipt.book_number(d).seq
    return lines


def _return_data(dossiers: list[Dossier]) -> dict[int, dict[str, Any]]:
    """dossier id → the data of its latest return event, in one query."""
    events = DossierEvent.objects.filter(dossier_id__in=[d.pk for d in dossiers], action="return_result")
    return {e.dossier_id: e.data or {} for e in events.order_by("dossier_id", "at", "pk")}


def _returned_to(dossier: Dossier, data: dict[str, Any]) -> str:
    """Who signed for the result (counter), or how it left (online, post with its tracking number)."""
    if dossier.result_channel == ResultChannel.COUNTER:
        return data.get("received_by", "")
    if dossier.result_channel == ResultChannel.POSTAL:
        number = data.get("tracking_number") or dossier.return_tracking_number
        return _("Số hiệu bưu gửi %(n)s") % {"n": number} if number else ""
    return _("Tải về trực tuyến")


def _notes(dossier: Dossier) -> str:
    notes = []
    if dossier.status != Status.RETURNED:
        notes.append(dossier.get_status_display())
    if dossier.was_late:
        notes.append(_("Trễ hạn"))
    if dossier.apology_issued:
        notes.append(_("Đã có phiếu xin lỗi"))
    return "; ".join(notes)


def rows_of(dossiers: list[Dossier]) -> list[dict[str, Any]]:
    lines = _book_lines(dossiers)
    returns = _return_data(dossiers)
    rows = []
    for d in sorted(dossiers, key=lambda d: (lines[d.pk], d.pk)):
        returned = d.returned_at is not None
        rows.append(
            {
                "line": lines[d.pk],
                "code": d.code or "",
                "procedure": d.procedure_version.name or d.procedure.name,
                "sets": 1,
                "applicant": d.applicant_name,
                "address": d.applicant_address,
                "phone": d.applicant_phone,
                "lead": d.competent_agency.name,
                "received": formatting.short_moment(d.received_at),
                "due": formatting.short_moment(d.due_at),
                "returned": formatting.short_moment(d.returned_at),
                "method": d.get_result_channel_display() if returned else "",
                "signed_by": _returned_to(d, returns.get(d.pk, {})) if returned else "",
                "notes": _notes(d),
            }
        )
    return rows


def build(
    *, agency: Agency, start: date, end: date, dossiers: QuerySet[Dossier] | None = None, **extra: Any
) -> DocumentSpec:
    if end < start:
        raise DocumentNotAvailable(_("Ngày kết thúc kỳ theo dõi phải sau ngày bắt đầu."))
    queryset = dossiers if dossiers is not None else dossiers_received(agency=agency, start=start, end=end)
    items = list(
        queryset.filter(received_at__isnull=False).select_related(
            "procedure", "procedure_version", "competent_agency", "receiving_agency"
        )
    )
    context = {
        "letterhead": letterhead(agency, desk=True),
        "agency_name": agency.name,
        "place_date": formatting.place_and_date(extra.get("printed_on") or clock.today()),
        "start": formatting.date_text(start),
        "end": formatting.date_text(end),
        "rows": rows_of(items),
    }
    return DocumentSpec(kind=KIND, template=TEMPLATE, page_size=PAGE_SIZE, context=context)


def label(*, agency: Agency, start: date, end: date) -> str:
    """What the stored book is called (IssuedDocument.number): agency code and period."""
    return f"{agency.code} {start:%d/%m/%Y}–{end:%d/%m/%Y}"
