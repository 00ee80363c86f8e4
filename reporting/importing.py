"""Import of historical dossiers (nhập dữ liệu hồ sơ lịch sử) from CSV, all or nothing.

Columns: ``code, agency_code, procedure_code, channel, received_at, due_at, resolved_at, returned_at,
withdrawn_at, outcome``. Times are ISO 8601 with an offset (``2025-03-04T08:30:00+07:00``); channel is 1 (in
person), 2 (online) or 3 (post); outcome is ``approved``, ``rejected``, ``withdrawn``, or empty while the dossier is
still being handled. ``agency_code`` is the agency that handled (decided) the dossier; the receiving desk is the
agency whose code starts the dossier code (ND 61/2018 art 26), or the same agency when the code is another
system's.

Every row is checked before anything is written; one bad row imports nothing, and the report names every bad row
by its line number in the file and the reason. Imported dossiers are ordinary dossiers: they count in the
statistics exactly like native ones (their contributions are merged into the rollups in the same transaction).
"""

from __future__ import annotations

import csv
import secrets
import time
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from dossiers.models import Dossier
from dossiers.models.core import Outcome, Status
from dossiers.selectors.lookup import CODE_PATTERN, normalize_code
from dossiers.signals import snapshot
from portal import clock
from portal.exceptions import ValidationProblems
from portal.models import Agency, User
from procedures.models import Procedure, ProcedureVersion
from procedures.services import IN_FORCE_STATUSES
from reporting import services

COLUMNS = (
    "code",
    "agency_code",
    "procedure_code",
    "channel",
    "received_at",
    "due_at",
    "resolved_at",
    "returned_at",
    "withdrawn_at",
    "outcome",
)
OUTCOMES = ("approved", "rejected", "withdrawn", "")
IMPORT_USER_EMAIL = "lich-su@he-thong.invalid"
BATCH = 5000


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("Dòng %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class ImportReport:
    imported: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    seconds: float = 0.0


class ImportRejected(ValidationProblems):
    """The file has bad rows: nothing was imported."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(
            _("Không nhập hồ sơ nào: tệp có %(count)s dòng không hợp lệ.") % {"count": len(problems)},
            problems=[str(p) for p in problems],
        )
        self.rows = problems


def history_applicant() -> User:
    """The account historical dossiers belong to (the real applicants are not in the file)."""
    user, _created = User.objects.get_or_create(
        email=IMPORT_USER_EMAIL,
        defaults={"full_name": "Dữ liệu lịch sử", "kind": User.Kind.OFFICER, "is_active": False},
    )
    return user


def _moment(raw: str, column: str, problems: list[str]) -> datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        problems.append(_("%(column)s “%(value)s” không phải thời điểm ISO 8601.") % {"column": column, "value": raw})
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        problems.append(_("%(column)s “%(value)s” thiếu múi giờ (ví dụ +07:00).") % {"column": column, "value": raw})
        return None
    return value


class _Versions:
    """The procedure version in force when each dossier was received (procedures.services.version_in_force's rule:
    the latest published or superseded version effective by then), read once per procedure. History older than
    the catalogue falls back to the procedure's earliest version."""

    def __init__(self, procedures: Iterable[Procedure]) -> None:
        self._by_procedure: dict[int, tuple[list[datetime], list[ProcedureVersion]]] = {}
        rows = (
            ProcedureVersion.objects.filter(procedure__in=list(procedures), status__in=IN_FORCE_STATUSES)
            .exclude(effective_from__isnull=True)
            .order_by("procedure_id", "effective_from", "number")
        )
        for version in rows:
            moments, versions = self._by_procedure.setdefault(version.procedure_id, ([], []))
            moments.append(version.effective_from)
            versions.append(version)

    def at(self, procedure: Procedure, moment: datetime) -> ProcedureVersion | None:
        found = self._by_procedure.get(procedure.pk)
        if not found:
            return None
        moments, versions = found
        index = bisect_right(moments, moment) - 1
        return versions[max(index, 0)]


@dataclass
class _Row:
    line: int
    code: str
    agency: Agency
    procedure: Procedure
    version: ProcedureVersion
    channel: int
    received_at: datetime
    due_at: datetime
    resolved_at: datetime | None
    returned_at: datetime | None
    withdrawn_at: datetime | None
    outcome: str


def read_rows(file: TextIO) -> tuple[list[_Row], list[RowProblem]]:
    """Parse and check every row; nothing is written."""
    reader = csv.DictReader(file)
    header = [h.strip().lstrip("\ufeff") for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        reasons = []
        if missing:
            reasons.append(_("thiếu cột %(columns)s") % {"columns": ", ".join(missing)})
        if unknown:
            reasons.append(_("cột không được hỗ trợ %(columns)s") % {"columns": ", ".join(unknown)})
        return [], [RowProblem(1, "; ".join(reasons))]

    raw_rows = list(reader)
    agencies = {a.code: a for a in Agency.objects.all()}
    procedure_codes = {(r.get("procedure_code") or "").strip() for r in raw_rows}
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=procedure_codes)}
    versions = _Versions(procedures.values())
    now = clock.now()
    rows: list[_Row] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}

    for offset, raw in enumerate(raw_rows):
        line = offset + 2  # the header is line 1; one record per line
        if None in raw:  # more cells than columns
            problems.append(RowProblem(line, _("có nhiều ô hơn số cột.")))
            continue
        reasons: list[str] = []
        code = normalize_code(raw.get("code"))
        if not code:
            reasons.append(_("thiếu mã hồ sơ."))
        elif not CODE_PATTERN.match(code):
            reasons.append(_("mã hồ sơ “%(code)s” có ký tự không hợp lệ.") % {"code": code})
        elif code in seen:
            reasons.append(_("mã hồ sơ %(code)s trùng với dòng %(line)s.") % {"code": code, "line": seen[code]})
        else:
            seen[code] = line
        agency = agencies.get((raw.get("agency_code") or "").strip())
        if agency is None:
            reasons.append(_("không có cơ quan mã “%(code)s”.") % {"code": (raw.get("agency_code") or "").strip()})
        procedure = procedures.get((raw.get("procedure_code") or "").strip())
        if procedure is None:
            reasons.append(_("không có thủ tục mã “%(code)s”.") % {"code": (raw.get("procedure_code") or "").strip()})
        channel_raw = (raw.get("channel") or "").strip()
        channel = int(channel_raw) if channel_raw in ("1", "2", "3") else None
        if channel is None:
            reasons.append(_("kênh nộp “%(value)s” phải là 1, 2 hoặc 3.") % {"value": channel_raw})
        received_at = _moment(raw.get("received_at"), "received_at", reasons)
        due_at = _moment(raw.get("due_at"), "due_at", reasons)
        resolved_at = _moment(raw.get("resolved_at"), "resolved_at", reasons)
        returned_at = _moment(raw.get("returned_at"), "returned_at", reasons)
        withdrawn_at = _moment(raw.get("withdrawn_at"), "withdrawn_at", reasons)
        outcome = (raw.get("outcome") or "").strip().lower()
        if outcome not in OUTCOMES:
            reasons.append(
                _("kết quả “%(value)s” phải là approved, rejected, withdrawn hoặc để trống.") % {"value": outcome}
            )
        if not (raw.get("received_at") or "").strip():
            reasons.append(_("thiếu received_at."))
        if not (raw.get("due_at") or "").strip():
            reasons.append(_("thiếu due_at (ngày hẹn trả)."))
        reasons += _coherence(outcome, received_at, due_at, resolved_at, returned_at, withdrawn_at, now)
        version = versions.at(procedure, received_at) if procedure and received_at else None
        if procedure is not None and version is None:
            reasons.append(_("thủ tục %(code)s chưa có phiên bản nào được công bố.") % {"code": procedure.code})
        if reasons:
            problems.append(RowProblem(line, " ".join(reasons)))
            continue
        rows.append(
            _Row(
                line=line,
                code=code,
                agency=agency,
                procedure=procedure,
                version=version,
                channel=channel,
                received_at=received_at,
                due_at=due_at,
                resolved_at=resolved_at,
                returned_at=returned_at,
                withdrawn_at=withdrawn_at,
                outcome=outcome,
            )
        )

    existing = _existing_codes([row.code for row in rows])
    for row in rows:
        if row.code in existing:
            problems.append(RowProblem(row.line, _("mã hồ sơ %(code)s đã có trong hệ thống.") % {"code": row.code}))
    if not raw_rows:
        problems.append(RowProblem(2, _("tệp không có dòng dữ liệu nào.")))
    problems.sort(key=lambda p: p.line)
    return rows, problems


def _coherence(outcome, received_at, due_at, resolved_at, returned_at, withdrawn_at, now) -> list[str]:
    """The dates must tell one possible story of a dossier (DESIGN §4)."""
    reasons = []
    if received_at and received_at > now:
        reasons.append(_("received_at ở tương lai."))
    if received_at and due_at and due_at < received_at:
        reasons.append(_("due_at trước received_at."))
    for name, moment in (("resolved_at", resolved_at), ("returned_at", returned_at), ("withdrawn_at", withdrawn_at)):
        if received_at and moment and moment < received_at:
            reasons.append(_("%(name)s trước received_at.") % {"name": name})
        if moment and moment > now:
            reasons.append(_("%(name)s ở tương lai.") % {"name": name})
    if returned_at and resolved_at and returned_at < resolved_at:
        reasons.append(_("returned_at trước resolved_at."))
    if outcome in ("approved", "rejected"):
        if resolved_at is None:
            reasons.append(_("kết quả %(outcome)s cần resolved_at.") % {"outcome": outcome})
        if withdrawn_at is not None:
            reasons.append(_("hồ sơ đã có kết quả không thể có withdrawn_at."))
    elif outcome == "withdrawn":
        if withdrawn_at is None:
            reasons.append(_("hồ sơ đã rút cần withdrawn_at."))
        if resolved_at is not None or returned_at is not None:
            reasons.append(_("hồ sơ đã rút không thể có resolved_at hay returned_at."))
    else:
        if resolved_at or returned_at or withdrawn_at:
            reasons.append(
                _("hồ sơ đang giải quyết (outcome trống) không thể có resolved_at, returned_at hay withdrawn_at.")
            )
    return reasons


def _existing_codes(codes: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(codes), BATCH):
        found.update(Dossier.objects.filter(code__in=codes[i : i + BATCH]).values_list("code", flat=True))
    return found


def _dossier(row: _Row, *, applicant: User, receiving: dict[str, Agency], now: datetime) -> Dossier:
    from dossiers import deadlines

    if row.outcome == "withdrawn":
        status, outcome = Status.WITHDRAWN, ""
    elif row.outcome in ("approved", "rejected"):
        outcome = Outcome.APPROVED if row.outcome == "approved" else Outcome.REJECTED
        if row.returned_at:
            status = Status.RETURNED
        else:
            status = Status.RESULT_READY if outcome == Outcome.APPROVED else Status.REJECTED
    else:
        status, outcome = Status.PROCESSING, ""
    if row.resolved_at:
        was_late = deadlines.classify_resolved(resolved_at=row.resolved_at, due_at=row.due_at) == "late"
    else:
        was_late = status == Status.PROCESSING and deadlines.is_overdue(now=now, due_at=row.due_at)
    prefix = row.code.rsplit("-", 2)[0] if row.code.count("-") >= 2 else ""
    return Dossier(
        code=row.code,
        lookup_secret=secrets.token_urlsafe(12),
        procedure=row.procedure,
        procedure_version=row.version,
        sector_id=row.version.sector_id,
        applicant=applicant,
        applicant_name="",
        receiving_agency=receiving.get(prefix, row.agency),
        competent_agency=row.agency,
        channel=row.channel,
        status=status,
        outcome=outcome,
        submitted_at=row.received_at,
        received_at=row.received_at,
        due_at=row.due_at,
        resolved_at=row.resolved_at,
        returned_at=row.returned_at,
        withdrawn_at=row.withdrawn_at,
        was_late=was_late,
    )


def import_dossiers(*, file: TextIO, dry_run: bool = False) -> ImportReport:
    """Check every row, then (unless ``dry_run``) create the dossiers and merge them into the rollups, in one
    transaction. Raises :class:`ImportRejected` listing the bad rows, having written nothing."""
    started = time.monotonic()
    rows, problems = read_rows(file)
    if problems:
        raise ImportRejected(problems)
    report = ImportReport(imported=len(rows))
    if dry_run:
        report.seconds = time.monotonic() - started
        return report
    now = clock.now()
    receiving = {a.code: a for a in Agency.objects.all()}
    with transaction.atomic():
        applicant = history_applicant()
        deltas: services.Deltas = {}
        for i in range(0, len(rows), BATCH):
            batch = [_dossier(row, applicant=applicant, receiving=receiving, now=now) for row in rows[i : i + BATCH]]
            Dossier.objects.bulk_create(batch, batch_size=BATCH)
            more, _counted = services.contributions_of(snapshot(d) for d in batch)
            services.add_deltas(deltas, more)
        services.apply_deltas(deltas)
    report.seconds = time.monotonic() - started
    return report
