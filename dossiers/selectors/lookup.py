"""The public lookup of a dossier by its code (tra cứu hồ sơ; Long An 30/2019 art 15; DESIGN §8).

By code alone the public sees exactly the fields of art 15.2: the code, the applicant (name masked), the sector and
procedure, the received and appointment dates, the status in words — and whether it is on time. With the QR
secret printed on the receipt (``/tra-cuu/<code>/?k=<secret>``) the holder also sees the timeline and can have the
result's signature verified. An unknown code and a wrong secret give the same answer: nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dossiers.models import Dossier, DossierEvent, IssuedDocument, Status
from portal import clock, prepared
from procedures.models import Procedure, Sector

# Codes are <agency code>-<YYMMDD>-<sequence> (ND 61/2018 art 26); imported history may carry other systems'
# codes, so only the characters are checked before the one index probe.
CODE_PATTERN = re.compile(r"^[0-9A-Z][0-9A-Z._/-]{3,49}$")
MAX_CODE_LENGTH = 50


def normalize_code(raw: str | None) -> str:
    """The code as stored: spaces removed, letters upper case (the agency part is e.g. ``000.00.31.H56``)."""
    return re.sub(r"\s+", "", raw or "").upper()[:MAX_CODE_LENGTH]


def looks_like_code(code: str) -> bool:
    return bool(CODE_PATTERN.match(code))


def mask_name(name: str) -> str:
    """Each word's first letter and three stars (the length of the name is not shown either)."""
    words = [w for w in (name or "").split() if w]
    return " ".join(f"{w[0]}***" for w in words) or "***"


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    action: str
    label: str
    note: str


@dataclass(frozen=True)
class LookupResult:
    """What the lookup shows. ``timeline`` and ``result_verifiable`` are only filled with the QR secret."""

    code: str
    applicant: str
    sector: str
    procedure: str
    procedure_code: str
    received_at: datetime | None
    due_at: datetime | None
    status: str
    status_label: str
    timeliness: str | None  # early, on_time, late (resolved); in_time, overdue (open); None otherwise
    timeliness_label: str
    with_secret: bool = False
    timeline: tuple[TimelineEntry, ...] = field(default_factory=tuple)
    result_verifiable: bool = False


TIMELINESS_LABELS = {
    "early": "Giải quyết trước hạn",
    "on_time": "Giải quyết đúng hạn",
    "late": "Giải quyết trễ hạn",
    "in_time": "Đang giải quyết, còn trong hạn",
    "overdue": "Đang giải quyết, đã quá hạn",
}


@dataclass(frozen=True)
class Found:
    """The few columns the lookup reads of a dossier (and of its procedure and sector)."""

    pk: int
    code: str
    lookup_secret: str
    applicant_name: str
    status: str
    received_at: datetime | None
    due_at: datetime | None
    resolved_at: datetime | None
    withdrawn_at: datetime | None
    stopped_at: datetime | None
    was_late: bool
    procedure_code: str
    procedure_name: str
    sector_name: str


_FIND_SQL: str | None = None


def _find_sql() -> str:
    """One statement, one probe of the unique index on the code. Written out once: the public lookup is the
    portal's hottest read (benchmarks/bench_public.py), and building an ORM query costs more than running it."""
    global _FIND_SQL
    if _FIND_SQL is None:
        d, p, s = Dossier._meta, Procedure._meta, Sector._meta

        def col(name: str) -> str:
            return "d." + d.get_field(name).column

        columns = ", ".join(
            [
                col("id"),
                col("code"),
                col("lookup_secret"),
                col("applicant_name"),
                col("status"),
                col("received_at"),
                col("due_at"),
                col("resolved_at"),
                col("withdrawn_at"),
                col("stopped_at"),
                col("was_late"),
                "p." + p.get_field("code").column,
                "p." + p.get_field("name").column,
                "s." + s.get_field("name").column,
            ]
        )
        _FIND_SQL = (
            f"SELECT {columns} FROM {d.db_table} d "  # noqa: S608 - our tables and columns
            f"JOIN {p.db_table} p ON p.id = {col('procedure')} JOIN {s.db_table} s ON s.id = {col('sector')} "
            f"WHERE {col('code')} = %s AND {col('received_at')} IS NOT NULL"
        )
    return _FIND_SQL


def find(code: str) -> Found | None:
    """The received dossier with this code, or None."""
    if not looks_like_code(code):
        return None
    row = prepared.fetchone(_find_sql(), [code])
    if row is None:
        return None
    row = list(row)
    for i in _MOMENTS:  # SQLite hands raw rows back as naive UTC (or text); PostgreSQL as aware datetimes
        row[i] = _aware(row[i])
    row[10] = bool(row[10])
    return Found(*row)


_MOMENTS = (5, 6, 7, 8, 9)


def _aware(value):
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC)


def timeliness_of(dossier: Found | Dossier) -> str | None:
    """Early / on time / late once resolved; in time / overdue while being handled (dossiers.deadlines)."""
    from dossiers import deadlines

    if dossier.withdrawn_at or dossier.stopped_at:
        return None
    if dossier.resolved_at:
        verdict = deadlines.classify_resolved(
            resolved_at=dossier.resolved_at, due_at=dossier.due_at or dossier.resolved_at, was_late=dossier.was_late
        )
        return str(getattr(verdict, "value", verdict))
    if dossier.due_at and dossier.status in (
        Status.RECEIVED,
        Status.PROCESSING,
        Status.AWAITING_SUPPLEMENT,
        Status.AWAITING_APPROVAL,
    ):
        verdict = deadlines.classify_open(now=clock.now(), due_at=dossier.due_at)
        return str(getattr(verdict, "value", verdict))
    return None


def lookup(*, code: str, secret: str | None = None) -> LookupResult | None:
    """The public answer for ``code``; with ``secret`` given, it must be the dossier's QR secret."""
    from dossiers.codes import check_lookup_secret

    dossier = find(normalize_code(code))
    if dossier is None:
        return None
    with_secret = secret is not None and secret != ""
    if with_secret and not check_lookup_secret(dossier, secret):
        return None
    timeliness = timeliness_of(dossier)
    result = LookupResult(
        code=dossier.code,
        applicant=mask_name(dossier.applicant_name),
        sector=dossier.sector_name,
        procedure=dossier.procedure_name,
        procedure_code=dossier.procedure_code,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        status=dossier.status,
        status_label=str(Status(dossier.status).label),
        timeliness=timeliness,
        timeliness_label=_(TIMELINESS_LABELS[timeliness]) if timeliness in TIMELINESS_LABELS else "",
    )
    if not with_secret:
        return result
    return replace(
        result,
        with_secret=True,
        timeline=tuple(_timeline(dossier)),
        result_verifiable=result_document(dossier) is not None,
    )


def _timeline(dossier: Found) -> list[TimelineEntry]:
    from dossiers.workflow import ACTION_LABELS

    events = DossierEvent.objects.filter(dossier_id=dossier.pk, public=True).order_by("at", "pk")
    return [
        TimelineEntry(at=e.at, action=e.action, label=_(ACTION_LABELS.get(e.action, e.action)), note=e.note)
        for e in events.only("at", "action", "note")
    ]


def result_document(dossier: Found) -> IssuedDocument | None:
    """The signed result (or reasoned rejection letter) the public may have verified."""
    return (
        IssuedDocument.objects.filter(
            dossier_id=dossier.pk, kind__in=(IssuedDocument.Kind.RESULT, IssuedDocument.Kind.REJECTION)
        )
        .exclude(file="")
        .order_by("-created_at", "-pk")
        .first()
    )


def secret_dossier(*, code: str, secret: str | None) -> Found | None:
    """The dossier when ``secret`` is its QR secret (for pages only the QR holder may open), else None."""
    from dossiers.codes import check_lookup_secret

    dossier = find(normalize_code(code))
    if dossier is None or not check_lookup_secret(dossier, secret):
        return None
    return dossier
