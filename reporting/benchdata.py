"""Synthetic dossiers for benchmarks (``manage.py seed_bench``), loaded with PostgreSQL COPY.

The distributions follow a province (DESIGN §7, regulations.md §8): about 0.7 million dossiers a year received on
working days (Vietnamese holidays skipped) within desk hours, peaks of up to 3× in the weeks after Tết and at the
year's end, a Zipf-like spread over the catalogue's procedures (a few procedures carry most dossiers), the online
share rising over the years to about two thirds, 3–5 % by post; most results before the appointment, about 5 %
late, some apology slips, 1.5 % withdrawn, 2 % reasoned rejections; the recent dossiers still open, a few online
ones awaiting the desk's check. Ten million dossiers are ~14 years of a province; one million ~1.4 years.

The agencies and procedures are the demo province's (seed_demo's ``portal`` and ``procedures`` steps, run here if
they have not run). The rollups are rebuilt at the end (``reporting.services.rebuild_stats``).
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from dossiers.models import Dossier
from dossiers.models.core import Outcome, ResultChannel, Status
from portal import clock
from portal.models import Agency, User
from procedures.models import Procedure

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PER_YEAR = 700_000
COPY_CHUNK = 200_000
DESK_MINUTES = [(7 * 60 + 30, 11 * 60 + 30), (13 * 60, 17 * 60)]
BENCH_EMAIL_DOMAIN = "bench.invalid"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Đức", "Kim"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
]


@dataclass(frozen=True)
class BenchProcedure:
    procedure_id: int
    version_id: int
    sector_id: int
    competent_id: int
    receiving_id: int
    receiving_code: str
    days: int  # processing time limit in working days
    weight: float


@dataclass
class SeedReport:
    dossiers: int = 0
    seconds_load: float = 0.0
    seconds_index: float = 0.0
    seconds_rollups: float = 0.0


def ensure_catalogue(log: Callable[[str], None]) -> list[BenchProcedure]:
    """The demo province and catalogue (running seed_demo's portal and procedures steps if needed)."""
    from portal import seed

    if not Procedure.objects.filter(current_version__isnull=False).exists():
        for step in seed.steps():
            if step.name in ("portal", "procedures"):
                log(f"Tạo dữ liệu nền: bước {step.name}")
                with transaction.atomic():
                    step.run(log)
    procedures = list(
        Procedure.objects.filter(current_version__isnull=False)
        .select_related("current_version", "current_version__competent_agency")
        .order_by("code")
    )
    if not procedures:
        raise RuntimeError("Không có thủ tục nào đã công bố để sinh hồ sơ.")
    agencies = {a.pk: a for a in Agency.objects.all()}
    centres = {a.parent_id: a for a in agencies.values() if a.kind == Agency.Kind.CENTRE}
    root = next((a for a in agencies.values() if a.parent_id is None), None)
    out = []
    rng = random.Random(7)
    order = list(range(len(procedures)))
    rng.shuffle(order)  # which procedures are popular does not follow their codes
    for rank, index in enumerate(order, start=1):
        procedure = procedures[index]
        version = procedure.current_version
        competent = version.competent_agency
        receiving = _receiving_desk(competent, agencies, centres, root)
        days = int(version.processing_time_value) if version.processing_time_unit == "working_days" else 3
        out.append(
            BenchProcedure(
                procedure_id=procedure.pk,
                version_id=version.pk,
                sector_id=version.sector_id,
                competent_id=competent.pk,
                receiving_id=receiving.pk,
                receiving_code=receiving.code,
                days=max(1, min(days, 45)),
                weight=1.0 / rank,  # Zipf: the first procedure gets most dossiers
            )
        )
    return out


def _receiving_desk(competent: Agency, agencies: dict, centres: dict, root: Agency | None) -> Agency:
    """Provincial procedures are received at the province's centre; commune ones at the commune's centre."""
    node = competent
    while node is not None:
        if node.pk in centres and node.kind in (Agency.Kind.COMMUNE, Agency.Kind.DISTRICT, Agency.Kind.PROVINCE):
            return centres[node.pk]
        node = agencies.get(node.parent_id)
    return centres.get(root.pk, competent) if root else competent


class WorkingDays:
    """Working days (Mon–Fri without Vietnamese public holidays) by index, for quick 'N working days later'."""

    def __init__(self, start: date, end: date) -> None:
        import holidays

        years = range(start.year, end.year + 2)
        off = set(holidays.country_holidays("VN", years=years))
        self.days: list[date] = []
        day = start
        while day <= end + timedelta(days=400):
            if day.weekday() < 5 and day not in off:
                self.days.append(day)
            day += timedelta(days=1)

    def index(self, day: date) -> int:
        return bisect.bisect_left(self.days, day)


def _season(day: date, tet: dict[int, date]) -> float:
    """Busier after Tết (up to 3×) and at the end of the year; quieter in the summer."""
    after_tet = (day - tet.get(day.year, date(day.year, 2, 1))).days
    if 0 <= after_tet < 21:
        return 3.0 - after_tet / 10.5
    if day.month == 12:
        return 1.5
    if day.month in (6, 7):
        return 0.85
    return 1.0


def _tet_days(years: range) -> dict[int, date]:
    import holidays

    out = {}
    for year in years:
        tet = [
            d
            for d, name in holidays.country_holidays("VN", years=[year], language="en_US").items()
            if "Lunar" in name or "Tết" in name
        ]
        if tet:
            out[year] = max(tet)  # the last day off: dossiers pile up right after it
    return out


def _dossier_columns() -> list:
    return [f for f in Dossier._meta.concrete_fields if not f.primary_key]


def _defaults(columns: list) -> dict:
    from psycopg.types.json import Jsonb

    out = {}
    for f in columns:
        value = f.get_default()
        if f.get_internal_type() == "JSONField":
            value = Jsonb(value)
        out[f.attname] = value
    return out


def _bench_users(count: int) -> list[tuple[int, str]]:
    """Applicant accounts for the synthetic dossiers (inactive, no password)."""
    existing = list(
        User.objects.filter(email__endswith="@" + BENCH_EMAIL_DOMAIN).order_by("pk").values_list("pk", "full_name")
    )
    if len(existing) >= count:
        return existing[:count]
    rng = random.Random(11)
    start = len(existing)
    User.objects.bulk_create(
        [
            User(
                email=f"nguoi-nop-{i:06d}@{BENCH_EMAIL_DOMAIN}",
                full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                kind=User.Kind.CITIZEN,
                is_active=False,
                password="!",  # noqa: S106 - Django's mark for "no usable password"
            )
            for i in range(start, count)
        ],
        batch_size=5000,
    )
    return _bench_users(count)


def seed_bench(
    *, dossiers: int, seed: int = 20260101, today: date | None = None, log: Callable[[str], None] = print
) -> SeedReport:
    """Load ``dossiers`` synthetic dossiers ending today (PostgreSQL only), then rebuild the rollups."""
    if connection.vendor != "postgresql":
        raise RuntimeError("seed_bench dùng COPY của PostgreSQL.")
    from reporting.services import rebuild_stats

    report = SeedReport()
    started = time.monotonic()
    catalogue = ensure_catalogue(log)
    users = _bench_users(min(50_000, max(1000, dossiers // 20)))
    now = clock.now().astimezone(VN).replace(microsecond=0)
    today = today or now.date()
    years = max(dossiers / PER_YEAR, 60 / 365)  # small loads still span two months
    first = today - timedelta(days=math.ceil(years * 365.25))
    calendar = WorkingDays(first, today)
    days = calendar.days[calendar.index(first) : calendar.index(today) + 1]
    tet = _tet_days(range(first.year, today.year + 1))
    weights = [_season(d, tet) for d in days]
    rng = random.Random(seed)
    per_day = _apportion(dossiers, weights, rng)
    cumulative_weights = list(_accumulate([p.weight for p in catalogue]))
    columns = _dossier_columns()
    defaults = _defaults(columns)
    names = [f.column for f in columns]
    attnames = [f.attname for f in columns]
    template = [defaults[a] for a in attnames]
    position = {a: i for i, a in enumerate(attnames)}
    sequence: dict[tuple[int, date], int] = {}
    secret_pool = [secrets.token_urlsafe(12) for _ in range(4096)]
    log(f"Sinh {dossiers:,} hồ sơ từ {first:%d/%m/%Y} đến {today:%d/%m/%Y} ({len(days)} ngày làm việc)…")
    written = 0
    table = Dossier._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # A bulk load: check foreign keys row by row instead of queueing millions of deferred checks, and build
        # the secondary indexes once at the end (sorted builds) instead of maintaining them row by row.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        secondary = _secondary_indexes(cursor, table) if not Dossier.objects.exists() else []
        for name, _definition in secondary:
            cursor.execute(f'DROP INDEX "{name}"')
        sql = f"COPY {table} ({', '.join(names)}) FROM STDIN"

        def rows():
            nonlocal written
            for day_index, (day, count) in enumerate(zip(days, per_day, strict=True)):
                year_fraction = (day - first).days / max(1, (today - first).days)
                online_share = 0.10 + 0.55 * year_fraction
                for _ in range(count):
                    row = _one(
                        rng,
                        day=day,
                        day_index=calendar.index(day),
                        calendar=calendar,
                        catalogue=catalogue,
                        cumulative_weights=cumulative_weights,
                        online_share=online_share,
                        now=now,
                        users=users,
                        sequence=sequence,
                        secret=secret_pool[written & 4095] + f"{written:x}",
                    )
                    values = template.copy()
                    for name, value in row.items():
                        values[position[name]] = value
                    written += 1
                    yield values
                if day_index % 250 == 0:
                    log(f"  … {written:,} hồ sơ ({day:%m/%Y})")

        # One COPY statement per chunk: each statement's foreign-key checks are queued until it ends.
        stream = rows()
        while True:
            chunk = list(itertools.islice(stream, COPY_CHUNK))
            if not chunk:
                break
            with cursor.cursor.copy(sql) as copy:
                for values in chunk:
                    copy.write_row(values)
        if secondary:
            log(f"Tạo lại {len(secondary)} chỉ mục…")
        for _name, definition in secondary:
            cursor.execute(definition)
    report.dossiers = written
    report.seconds_load = time.monotonic() - started
    log(f"Đã nạp {written:,} hồ sơ trong {report.seconds_load:.0f} giây; ANALYZE…")
    t = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Dossier._meta.db_table}")
    report.seconds_index = time.monotonic() - t
    t = time.monotonic()
    rebuilt = rebuild_stats(log_line=log)
    report.seconds_rollups = time.monotonic() - t
    log(f"Số liệu tổng hợp: {rebuilt.rows:,} dòng, {rebuilt.slices} lát cắt ({report.seconds_rollups:.0f} giây).")
    return report


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's indexes that back no constraint (not the primary key, not the
    unique code): safe to drop during a bulk load and to recreate from their own definitions."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [table],
    )
    return cursor.fetchall()


def _accumulate(values: list[float]):
    total = 0.0
    for v in values:
        total += v
        yield total


def _apportion(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Split ``total`` over days in proportion to ``weights`` (with day-to-day noise), summing exactly."""
    noisy = [w * rng.uniform(0.85, 1.15) for w in weights]
    scale = total / sum(noisy)
    counts = [int(w * scale) for w in noisy]
    for i in rng.sample(range(len(counts)), total - sum(counts)):
        counts[i] += 1
    return counts


def _one(
    rng: random.Random,
    *,
    day: date,
    day_index: int,
    calendar: WorkingDays,
    catalogue: list[BenchProcedure],
    cumulative_weights: list[float],
    online_share: float,
    now: datetime,
    users: list,
    sequence: dict,
    secret: str,
) -> dict:
    procedure = catalogue[bisect.bisect_left(cumulative_weights, rng.random() * cumulative_weights[-1])]
    start, end = DESK_MINUTES[0] if rng.random() < 0.55 else DESK_MINUTES[1]
    minute = rng.randrange(start, end)
    received = datetime(day.year, day.month, day.day, minute // 60, minute % 60, rng.randrange(60), tzinfo=VN)
    roll = rng.random()
    channel = 3 if roll < 0.04 else (2 if roll < 0.04 + online_share else 1)
    due_day = calendar.days[min(day_index + procedure.days, len(calendar.days) - 1)]
    due = datetime(due_day.year, due_day.month, due_day.day, received.hour, received.minute, tzinfo=VN)
    applicant_id, applicant_name = users[rng.randrange(len(users))]

    # How it went: most results early, some on the day, ~5 % late (some after an apology slip), 1.5 % withdrawn.
    fate = rng.random()
    resolved = withdrawn = returned = None
    was_late = apology = False
    outcome = ""
    if fate < 0.015:
        withdrawn = received + timedelta(hours=rng.randint(2, 24 * 10))
    else:
        if fate < 0.70:
            used = max(0, int(procedure.days * rng.uniform(0.2, 0.95)))
        elif fate < 0.93:
            used = procedure.days
        else:
            used = procedure.days + rng.randint(1, 8)
            was_late = True
            apology = rng.random() < 0.3
        result_day = calendar.days[min(day_index + used, len(calendar.days) - 1)]
        resolved = datetime(
            result_day.year, result_day.month, result_day.day, rng.randint(8, 16), rng.randrange(60), tzinfo=VN
        )
        outcome = Outcome.REJECTED if rng.random() < 0.02 else Outcome.APPROVED
        if resolved <= received:
            resolved = received + timedelta(hours=1)
        returned = resolved + timedelta(hours=rng.randint(1, 24 * 5))
    if withdrawn and withdrawn > now:
        withdrawn = None
    if resolved and resolved > now:
        resolved = returned = None
        outcome = ""
        was_late = due < now
        apology = False
    if returned and returned > now:
        returned = None

    result_channel = ResultChannel.COUNTER
    if channel == 3 or rng.random() < 0.05:
        result_channel = ResultChannel.POSTAL
    elif channel == 2 and rng.random() < 0.5:
        result_channel = ResultChannel.ONLINE
    if withdrawn:
        status = Status.WITHDRAWN
    elif resolved:
        status = (
            Status.RETURNED if returned else (Status.REJECTED if outcome == Outcome.REJECTED else Status.RESULT_READY)
        )
    else:
        status = Status.PROCESSING

    # Online dossiers of the last working day are still waiting for the desk's check (no code yet).
    awaiting_desk = channel == 2 and withdrawn is None and (now.date() - day).days <= 1 and rng.random() < 0.4
    key = (procedure.receiving_id, day)
    code = None
    if not awaiting_desk:
        sequence[key] = sequence.get(key, 0) + 1
        code = f"{procedure.receiving_code}-{day:%y%m%d}-{sequence[key]:04d}"
    submitted = received - timedelta(minutes=rng.randint(5, 600)) if channel == 2 else received
    row = {
        "code": code,
        "lookup_secret": secret,
        "procedure_id": procedure.procedure_id,
        "procedure_version_id": procedure.version_id,
        "sector_id": procedure.sector_id,
        "applicant_id": applicant_id,
        "applicant_name": applicant_name,
        "receiving_agency_id": procedure.receiving_id,
        "competent_agency_id": procedure.competent_id,
        "current_department_id": procedure.competent_id,
        "channel": channel,
        "status": Status.SUBMITTED if awaiting_desk else status,
        "result_channel": result_channel,
        "outcome": outcome,
        "created_at": submitted,
        "updated_at": returned or resolved or withdrawn or received,
        "submitted_at": submitted,
        "desk_due_at": submitted + timedelta(hours=8) if channel == 2 else None,
        "received_at": None if awaiting_desk else received,
        "due_at": None if awaiting_desk else due,
        "resolved_at": resolved,
        "returned_at": returned,
        "withdrawn_at": withdrawn,
        "was_late": was_late,
        "apology_issued": apology,
    }
    return row
