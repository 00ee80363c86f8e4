"""Benchmark: the SLA timers' sweep over 100,000 open dossiers among 1,000,000, against a plain indexed count of the
same open dossiers measured in the same run.

    .venv/bin/python benchmarks/bench_timers.py [--rounds 7] [--reload]
    make bench BENCH_ARGS="timers"

It works in its own database, ``motcua_bench_timers`` on the server of DATABASE_URL (or BENCH_TIMERS_DATABASE_URL),
created and migrated when missing. The first run loads it (about 1.5 million rows with COPY, then the timers' own
catch-up run, so that the data is what a province looks like after beat has run all along: every reminder due before
the start already sent); later runs reuse it (``--reload`` drops and rebuilds it).

What is measured, inside one transaction rolled back at the end (so each run starts from the same state):

* **baseline** — ``Dossier.objects.filter(status__in=OPEN_STATUSES).count()``: an index-only count of the 100,000
  open dossiers, the least any sweep over them could cost;
* **sweep** — every per-dossier timer once (``timers.SWEEPS``: desk reminders and escalations, near-due warnings,
  apology-slip reminders, overdue marking and escalation, supplement reviews), as beat runs them every 5 to 15
  minutes: each round moves the clock 5 working minutes on (Thursday 26/11/2026 from 09:00), so each round finds and
  sends what crossed a threshold in those 5 minutes — messages rendered and stored, reminders recorded;
* **idle sweep** — the same again at the same moment: nothing new, only the cost of looking;
* for information: a run after an hour's outage (catch-up), and the leaders' daily digests.

Rounds are interleaved (baseline, sweep, idle sweep) so that a busy machine slows them alike; medians are compared.
Targets: the idle sweep — what looking over 100,000 open dossiers costs — ≤ 10× the baseline; the sweep with its
5 minutes' work within a tenth of the 5-minute beat interval it has (≤ 0.10). The work part grows with the reminders
due (each message rendered and stored by the notification kernel), not with the number of open dossiers: its ratio to
the baseline is printed, with the cost per message, for information.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DATABASE = "motcua_bench_timers"
TOTAL = 1_000_000
OPEN = 100_000
START = datetime(2026, 11, 26, 9, 0, tzinfo=VN)  # Thursday; Tuesday 24/11 was a public holiday
STEP = timedelta(minutes=5)
TARGET_IDLE = 10.0  # × baseline
TARGET_SHARE_OF_INTERVAL = 0.10  # of the 5-minute beat interval
PROVINCE = "BENCHT.00.00.H41"
CENTRE = "BENCHT.00.01.H41"  # its officers are created last: the data is complete when they exist

# Open dossiers by status (the rest of the million is resolved, refused or withdrawn).
OPEN_MIX = {
    "submitted": 3_000,
    "received": 7_000,
    "processing": 65_000,
    "awaiting_supplement": 10_000,
    "awaiting_approval": 15_000,
}
LIMITS = [1, 3, 5, 7, 10, 15, 20]  # working days
OVERDUE_SHARE = 0.025
SUPPLEMENTED_SHARE = 0.04  # of dossiers in processing: a supplement answered in the last three working days

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Võ Thị Giang"]


class _Rollback(Exception):
    pass


# ------------------------------------------------------------------------------------------------ database


def database_url() -> str:
    explicit = os.environ.get("BENCH_TIMERS_DATABASE_URL")
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/motcua_bench"
    return urlunsplit(urlsplit(base)._replace(path="/" + DATABASE))


def _admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password or None, dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(sql)


def prepare(url: str, *, reload: bool) -> None:
    name = urlsplit(url).path.lstrip("/")
    if reload:
        print(f"Dropping {name}")
        _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import OperationalError, connection

    settings.DEBUG = False  # no query log: it would slow both sides and fill the memory
    settings.CELERY_BROKER_URL = "memory://"  # messages queued by the load stay in this process
    try:
        connection.ensure_connection()
    except OperationalError:
        print(f"Creating {name}")
        _admin(url, f'CREATE DATABASE "{name}"')
    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)


# ------------------------------------------------------------------------------------------------ the province


def _province():
    from django.utils import timezone

    from portal.models import Agency, User
    from procedures.models import Procedure, ProcedureVersion, RouteStep, Sector

    province = Agency.objects.create(code=PROVINCE, name="UBND tỉnh Long An (benchmark)", kind="province")
    centre = Agency.objects.create(
        code=CENTRE, name="Trung tâm Phục vụ hành chính công tỉnh", kind="centre", parent=province
    )
    departments, divisions, communes = [], [], []
    for n in range(20):
        department = Agency.objects.create(
            code=f"BENCHT.{n + 10:02d}.00.H41", name=f"Sở {n + 1}", kind="department", parent=province
        )
        departments.append(department)
        for m in range(2):
            divisions.append(
                Agency.objects.create(
                    code=f"BENCHT.{n + 10:02d}.{m + 1:02d}.H41",
                    name=f"Phòng {m + 1} của Sở {n + 1}",
                    kind="division",
                    parent=department,
                )
            )
    for n in range(30):
        communes.append(
            Agency.objects.create(
                code=f"BENCHT.{n + 50:02d}.99.H41", name=f"UBND xã {n + 1}", kind="commune", parent=province
            )
        )
    sector = Sector.objects.create(code="BENCHT", name="Lĩnh vực benchmark")
    versions = []
    for n in range(60):
        commune_level = n >= 40
        competent = communes[n % 30] if commune_level else departments[n % 20]
        procedure = Procedure.objects.create(code=f"BENCHT.{n:04d}")
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            number=1,
            status=ProcedureVersion.Status.PUBLISHED,
            name=f"Thủ tục benchmark {n + 1}",
            sector=sector,
            administrative_level="commune" if commune_level else "province",
            service_level=3,
            competent_agency=competent,
            processing_time_value=Decimal(LIMITS[n % len(LIMITS)]),
        )
        if not commune_level:
            RouteStep.objects.create(
                version=version,
                order=1,
                name="Thẩm định",
                role="specialist",
                department=divisions[2 * (n % 20) + n % 2],
                share_percent=80,
            )
        versions.append(version)
    now = timezone.now()
    citizens = User.objects.bulk_create(
        [
            User(
                kind="citizen",
                full_name=NAMES[n % len(NAMES)],
                email=f"bench.citizen{n}@example.vn",
                email_verified_at=now,
                password="!",
            )
            for n in range(2_000)
        ]
    )
    return {
        "centre": centre,
        "departments": departments,
        "divisions": divisions,
        "communes": communes,
        "versions": versions,
        "citizens": citizens,
    }


def _world() -> dict:
    """The province as loaded (to resume an interrupted load)."""
    from portal.models import Agency

    agencies = Agency.objects.filter(code__startswith="BENCHT.").order_by("code")
    return {
        "centre": agencies.get(code=CENTRE),
        "departments": list(agencies.filter(kind="department")),
        "divisions": list(agencies.filter(kind="division")),
        "communes": list(agencies.filter(kind="commune")),
    }


def _officers(world: dict) -> None:
    """Officers come after the load's catch-up run, which therefore records what was due without messaging anyone."""
    from portal.models import OfficerPost, User

    posts = [(world["centre"], "receiver", 4), (world["centre"], "leader", 1)]
    posts += [(d, "leader", 1) for d in world["departments"]]
    posts += [(d, "specialist", 3) for d in world["divisions"]]
    for commune in world["communes"]:
        posts += [(commune, "receiver", 2), (commune, "leader", 1), (commune, "specialist", 2)]
    n = 0
    for agency, role, count in posts:
        for _ in range(count):
            n += 1
            user = User.objects.create(kind="officer", full_name=f"Cán bộ {n}", email=f"bench.officer{n}@longan.gov.vn")
            OfficerPost.objects.create(user=user, agency=agency, role=role)


def _assign() -> None:
    """Four in five dossiers in processing or awaiting approval have a specialist of their department."""
    from django.db import connection

    from portal.models import OfficerPost

    specialists: dict[int, list[int]] = {}
    for agency_id, user_id in (
        OfficerPost.objects.filter(role="specialist").order_by("user_id").values_list("agency_id", "user_id")
    ):
        specialists.setdefault(agency_id, []).append(user_id)
    with connection.cursor() as cursor:
        for agency_id, users in specialists.items():
            whens = " ".join(f"WHEN {n} THEN {user}" for n, user in enumerate(users))
            cursor.execute(  # only integers are formatted into the statement
                f"UPDATE dossiers_dossier SET assignee_id = CASE id %% {len(users)} {whens} END "  # noqa: S608
                "WHERE current_department_id = %s AND status IN ('processing', 'awaiting_approval') AND id %% 5 <> 0",
                [agency_id],
            )


# ------------------------------------------------------------------------------------------------ the million


COLUMNS = [
    "id",
    "code",
    "lookup_secret",
    "procedure_id",
    "procedure_version_id",
    "sector_id",
    "applicant_id",
    "applicant_name",
    "applicant_id_number",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "receiving_agency_id",
    "competent_agency_id",
    "current_department_id",
    "assignee_id",
    "channel",
    "status",
    "form_data",
    "result_channel",
    "outcome",
    "signature_status",
    "postal_tracking_number",
    "return_tracking_number",
    "created_at",
    "updated_at",
    "submitted_at",
    "desk_due_at",
    "received_at",
    "due_at",
    "resolved_at",
    "returned_at",
    "withdrawn_at",
    "refused_at",
    "stopped_at",
    "was_late",
    "apology_issued",
    "partner_id",
    "partner_reference",
]


def _rows(world: dict, rng: random.Random) -> Iterator[tuple]:
    """The million rows. Everything read from the database is read here, before the first row: the generator runs
    while the connection is busy with COPY."""
    from dossiers.deadlines import desk_due
    from portal.selectors import calendar_for

    calendar = calendar_for(None, as_of=START.date())
    versions = world["versions"]
    desks = [world["centre"], *world["communes"]]
    division_of = {v.pk: (v.route_steps.first().department if v.route_steps.exists() else None) for v in versions}
    for version in versions:
        version.competent_agency  # noqa: B018 (load it now)
    statuses = [s for s, count in OPEN_MIX.items() for _ in range(count)]
    rng.shuffle(statuses)
    return _generate(world, rng, calendar, desks, division_of, statuses, desk_due)


def _generate(world, rng, calendar, desks, division_of, statuses, desk_due) -> Iterator[tuple]:
    versions, citizens = world["versions"], world["citizens"]
    open_every = TOTAL // OPEN
    sequence = 0
    for pk in range(1, TOTAL + 1):
        version = versions[pk % len(versions)]
        citizen = citizens[pk % len(citizens)]
        limit = int(version.processing_time_value)
        desk = world["centre"] if version.competent_agency.kind == "department" else version.competent_agency
        department = division_of[version.pk] or version.competent_agency
        status = statuses.pop() if pk % open_every == 0 and statuses else None
        code = None
        current = assignee = None
        submitted = desk_due_at = received = due = resolved = returned = withdrawn = refused = None
        was_late = False
        if status == "submitted":
            desk = rng.choice(desks)
            submitted = calendar.add_working_hours(START, -rng.uniform(0, 8.8))
            desk_due_at = desk_due(submitted, calendar)
        elif status is not None:
            if rng.random() < OVERDUE_SHARE:
                received = calendar.add_working_hours(START, -8 * (limit + rng.uniform(1, 10)))
            else:
                received = calendar.add_working_hours(START, -8 * rng.uniform(0, limit))
            submitted = received
            due = calendar.add_working_days(received, limit)
            if status == "awaiting_supplement":
                due = None
            current = department  # specialists are assigned once the officers exist (``_assign``)
        else:
            received = START - timedelta(days=rng.uniform(2, 700))
            submitted = received
            due = received + timedelta(days=limit * 7 / 5)
            roll = rng.random()
            if roll < 0.05:
                status, refused, received, due = "refused", received, None, None
            elif roll < 0.10:
                status, withdrawn = "withdrawn", received + timedelta(days=1)
            else:
                status = "returned"
                resolved = received + timedelta(days=rng.uniform(0.2, limit * 1.6))
                returned = resolved + timedelta(days=rng.uniform(0, 3))
                was_late = resolved.date() > due.date()
        if received is not None:
            sequence += 1
            code = f"{desk.code}-{received:%y%m%d}-{sequence:07d}"
        created = submitted or received or START
        yield (
            pk, code, f"{pk:016x}", version.procedure_id, version.pk, version.sector_id, citizen.pk, citizen.full_name,
            f"{80000000000 + pk:012d}", "Long An", "", citizen.email, desk.pk, version.competent_agency_id,
            current.pk if current else None, assignee, 2, status, "{}", "counter",
            "approved" if status == "returned" else "", "not_required", "", "", created, created, submitted,
            desk_due_at, received, due, resolved, returned, withdrawn, refused, None, was_late, False, None, "",
        )  # fmt: skip


def load(rng: random.Random) -> None:
    """Load in three steps, each skipped when already done, so that an interrupted load resumes."""
    from django.db import connection, transaction

    from dossiers import timers
    from dossiers.models import Dossier, SupplementRequest
    from portal.models import Agency, OfficerPost

    started = time.perf_counter()
    if not Agency.objects.filter(code=PROVINCE).exists():
        with transaction.atomic():
            world = _province()
            print(f"  province: {len(world['versions'])} procedures, {len(world['citizens'])} citizens")
            columns = ", ".join(COLUMNS)
            rows = _rows(world, rng)
            copy_sql = f"COPY dossiers_dossier ({columns}) FROM STDIN"
            with connection.connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for n, row in enumerate(rows, start=1):
                    copy.write_row(row)
                    if n % 200_000 == 0:
                        print(f"  {n:,} dossiers written ({time.perf_counter() - started:.0f} s)", flush=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), %s)", [TOTAL])
            # Supplement requests: history on resolved dossiers, open ones awaiting an answer, recent answers.
            requests = []
            returned = Dossier.objects.filter(status="returned", pk__lt=100_000).values_list("pk", "received_at")
            for pk, received in returned:
                at = received + timedelta(days=1)
                requests.append(
                    SupplementRequest(
                        dossier_id=pk, stage="appraisal", requested_at=at, answered_at=at + timedelta(days=2)
                    )
                )
            for pk, received in Dossier.objects.filter(status="awaiting_supplement").values_list("pk", "received_at"):
                requests.append(
                    SupplementRequest(dossier_id=pk, stage="appraisal", requested_at=received + timedelta(hours=4))
                )
            for pk, received in Dossier.objects.filter(status="processing").values_list("pk", "received_at"):
                if rng.random() < SUPPLEMENTED_SHARE:
                    answered = START - timedelta(hours=rng.uniform(0.5, 72))
                    requests.append(
                        SupplementRequest(dossier_id=pk, stage="appraisal", requested_at=received, answered_at=answered)
                    )
            SupplementRequest.objects.bulk_create(requests, batch_size=5_000)
        print(
            f"  {TOTAL:,} dossiers and {len(requests):,} supplement requests in {time.perf_counter() - started:.0f} s"
        )
        vacuum()

    # Beat has run all along: every reminder due before the start is recorded. The officers do not exist yet, so
    # this catch-up messages nobody but the applicants of overdue dossiers (idempotent: resumable).
    caught_up = time.perf_counter()
    quiet = logging.getLogger("motcua.timers")
    level, quiet.level = quiet.level, logging.ERROR
    total = 0
    try:
        for sweep in timers.SWEEPS.values():
            while True:
                report = sweep(now=START - STEP, limit=5_000)
                total += report.sent + report.settled
                if not report.more:
                    break
    finally:
        quiet.setLevel(level)
    print(f"  catch-up before the start: {total:,} reminders recorded in {time.perf_counter() - caught_up:.0f} s")
    if not OfficerPost.objects.filter(agency__code=CENTRE).exists():
        with transaction.atomic():
            _officers(_world())
            _assign()
    print(f"Loaded in {time.perf_counter() - started:.0f} s")


def vacuum() -> None:
    """What autovacuum does on a live server: statistics for the planner, and a visibility map that lets index-only
    scans skip the table."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("dossiers_dossier", "dossiers_reminder", "dossiers_supplementrequest", "portal_message"):
            cursor.execute(f"VACUUM ANALYZE {table}")


# ------------------------------------------------------------------------------------------------ measuring


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (medians are compared)")
    parser.add_argument("--reload", action="store_true", help="drop the benchmark database and load it again")
    parser.add_argument("--seed", type=int, default=20261126)
    args, _unknown = parser.parse_known_args(argv)

    url = database_url()
    prepare(url, reload=args.reload)
    from django.core.cache import cache
    from django.db import transaction

    from dossiers import timers
    from dossiers.models import Dossier, Reminder
    from dossiers.models.core import OPEN_STATUSES
    from portal.models import Message, OfficerPost

    if not OfficerPost.objects.filter(agency__code=CENTRE).exists():
        print(f"Loading {TOTAL:,} dossiers ({OPEN:,} open) into {urlsplit(url).path.lstrip('/')}")
        load(random.Random(args.seed))
    vacuum()
    total, open_count = Dossier.objects.count(), Dossier.objects.filter(status__in=OPEN_STATUSES).count()
    print(f"Data: {total:,} dossiers, {open_count:,} open, {Reminder.objects.count():,} reminders already sent")

    logging.getLogger("motcua.timers").setLevel(logging.WARNING)  # one line per sweep would drown the figures

    def baseline() -> int:
        return Dossier.objects.filter(status__in=OPEN_STATUSES).count()

    def sweep(now: datetime) -> list:
        return [run(now=now) for run in timers.SWEEPS.values()]

    samples: dict[str, list[float]] = {"baseline": [], "sweep": [], "idle": []}
    sent_per_round: list[int] = []
    messages_per_round: list[int] = []
    per_timer: dict[str, list[float]] = {name: [] for name in timers.SWEEPS}
    info: dict[str, float | int] = {}
    messages_before = Message.objects.count()
    try:
        with transaction.atomic():
            # Warm up: caches, calendars, query plans.
            baseline()
            sweep(START)
            for k in range(1, args.rounds + 1):
                now = START + k * STEP
                seconds, _ = _timed(baseline)
                samples["baseline"].append(seconds)
                started = time.perf_counter()
                reports = []
                for name, run in timers.SWEEPS.items():
                    seconds, report = _timed(lambda run=run, now=now: run(now=now))
                    per_timer[name].append(seconds)
                    reports.append(report)
                samples["sweep"].append(time.perf_counter() - started)
                sent_per_round.append(sum(r.sent for r in reports))
                messages_per_round.append(sum(r.messages for r in reports))
                seconds, reports = _timed(lambda now=now: sweep(now))
                samples["idle"].append(seconds)
                assert sum(r.sent for r in reports) == 0, "a second run at the same moment sent something"
            outage = START + args.rounds * STEP + timedelta(hours=1)
            seconds, reports = _timed(lambda: sweep(outage))
            info["after an hour's outage: seconds"] = seconds
            info["after an hour's outage: reminders"] = sum(r.sent for r in reports)
            digest_at = datetime(2026, 11, 27, 7, 0, tzinfo=VN)
            digest_mark = timers.DIGEST_DAY_KEY.format(day=digest_at.date().isoformat())
            cache.delete(digest_mark)  # the day's mark lives in the shared cache, outside this transaction
            seconds, report = _timed(lambda: timers.send_leader_digests(now=digest_at))
            cache.delete(digest_mark)
            info["daily digests: seconds"] = seconds
            info["daily digests: leaders"] = report.sent
            info["messages stored during the run"] = Message.objects.count() - messages_before
            raise _Rollback
    except _Rollback:
        pass

    base = statistics.median(samples["baseline"])
    ratio_sweep = statistics.median(s / b for s, b in zip(samples["sweep"], samples["baseline"], strict=True))
    ratio_idle = statistics.median(s / b for s, b in zip(samples["idle"], samples["baseline"], strict=True))
    print(f"\nTimers benchmark — {args.rounds} interleaved rounds, 5 working minutes apart from {START:%H:%M %d/%m/%Y}")
    print(f"  {'':<44} {'median':>9} {'min':>9}   ÷ baseline")
    for name, label in (
        ("baseline", "baseline: count of the open dossiers"),
        ("sweep", "sweep: every timer, 5 minutes' work"),
        ("idle", "idle sweep: every timer, nothing new"),
    ):
        times = samples[name]
        median = statistics.median(times)
        print(f"  {label:<44} {median * 1000:7.1f}ms {min(times) * 1000:7.1f}ms   {median / base:6.2f}×")
    for name, times in per_timer.items():
        print(f"    {name:<42} {statistics.median(times) * 1000:7.1f}ms")
    print(
        f"  reminders per round (median): {statistics.median(sent_per_round):.0f}, "
        f"messages per round: {statistics.median(messages_per_round):.0f}"
    )
    for key, value in info.items():
        print(f"  {key}: {value:.2f}" if isinstance(value, float) else f"  {key}: {value:,}")
    share = statistics.median(samples["sweep"]) / STEP.total_seconds()
    per_message = statistics.median(samples["sweep"]) / max(1, statistics.median(messages_per_round))
    passed = ratio_idle <= TARGET_IDLE and share <= TARGET_SHARE_OF_INTERVAL
    print(
        f"idle ÷ baseline = {ratio_idle:.2f}× (target ≤ {TARGET_IDLE:.0f}×); sweep ÷ beat interval = {share:.3f} "
        f"(target ≤ {TARGET_SHARE_OF_INTERVAL:.2f}); sweep ÷ baseline = {ratio_sweep:.1f}× "
        f"({per_message * 1000:.1f} ms per message): {'OK' if passed else 'ABOVE TARGET'}"
    )  # fmt: skip
    return {
        "dossiers": total,
        "open": open_count,
        "baseline_seconds": base,
        "sweep_seconds": statistics.median(samples["sweep"]),
        "idle_seconds": statistics.median(samples["idle"]),
        "sweep_ratio": ratio_sweep,
        "sweep_share_of_interval": share,
        "seconds_per_message": per_message,
        "idle_ratio": ratio_idle,
        "reminders_per_round": statistics.median(sent_per_round),
        "messages_per_round": statistics.median(messages_per_round),
        **{k: v for k, v in info.items()},
        "passed": passed,
    }


if __name__ == "__main__":
    main()
