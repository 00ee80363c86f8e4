"""Demo history (seed_demo step ``reporting-history``): a year of past dossiers of the demo province, imported the
way a province imports its history (``reporting.importing``), so that the statistics pages have something to show.

Idempotent: nothing is added once history has been imported. The numbers are synthetic (a fixed random seed) and
follow the demo catalogue: each procedure's processing time, most dossiers resolved early or on time, some late,
a few withdrawn, the last weeks' dossiers still being handled.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dossiers.models import Dossier
from portal import clock
from portal.models import Agency
from procedures.models import Procedure
from reporting.importing import COLUMNS, IMPORT_USER_EMAIL, import_dossiers

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HISTORY_DOSSIERS = 2400


def seed_history(log: Callable[[str], None]) -> None:
    if Dossier.objects.filter(applicant__email=IMPORT_USER_EMAIL).exists():
        log("Lịch sử hồ sơ: đã có, không thêm.")
        return
    procedures = list(
        Procedure.objects.filter(current_version__isnull=False, competent_agency__isnull=False)
        .select_related("current_version", "competent_agency")
        .order_by("code")
    )
    if not procedures:
        log("Lịch sử hồ sơ: chưa có thủ tục nào, bỏ qua.")
        return
    report = import_dossiers(file=io.StringIO(history_csv(procedures)))
    log(f"Lịch sử hồ sơ: đã nhập {report.imported} hồ sơ của 12 tháng qua cho trang thống kê.")


def _desk_code(agency: Agency) -> str:
    """The one-stop desk that receives for ``agency``: its commune's centre, else the province's."""
    node = agency
    while node is not None:
        centre = node.children.filter(kind=Agency.Kind.CENTRE).first()
        if centre is not None and node.kind != Agency.Kind.DEPARTMENT:
            return centre.code
        node = node.parent
    return agency.code


def history_csv(procedures: list[Procedure], *, count: int = HISTORY_DOSSIERS, seed: int = 2026) -> str:
    rng = random.Random(seed)
    now = clock.now().astimezone(VN)
    first = (now - timedelta(days=365)).replace(hour=0, minute=0, second=0, microsecond=0)
    weights = [1 / rank for rank in range(1, len(procedures) + 1)]
    desks = {p.pk: _desk_code(p.competent_agency) for p in procedures}
    sequence: Counter = Counter()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for _ in range(count):
        procedure = rng.choices(procedures, weights)[0]
        day = first + timedelta(days=rng.randrange(358))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        received = datetime.combine(day.date(), time(rng.choice([8, 9, 10, 14, 15, 16]), rng.randrange(60)), tzinfo=VN)
        days = max(1, int(procedure.current_version.processing_time_value or 5))
        due = _add_weekdays(received, days).replace(hour=17, minute=0)
        fate = rng.random()
        resolved = withdrawn = returned = None
        outcome = ""
        if fate < 0.02:
            withdrawn, outcome = received + timedelta(days=rng.randint(1, 3)), "withdrawn"
        else:
            used = days + rng.randint(1, 4) if fate < 0.08 else rng.randint(max(0, days // 3), days)
            resolved = max(
                _add_weekdays(received, used).replace(hour=rng.randint(8, 16)), received + timedelta(hours=1)
            )
            outcome = "rejected" if rng.random() < 0.03 else "approved"
            returned = resolved + timedelta(hours=rng.randint(2, 48))
        if withdrawn and withdrawn > now:
            withdrawn, outcome = None, ""
        if resolved and resolved > now:
            resolved = returned = None
            outcome = ""
        if returned and returned > now:
            returned = None
        desk = desks[procedure.pk]
        sequence[(desk, received.date())] += 1
        roll = rng.random()
        writer.writerow(
            {
                # Sequence numbers from 9001 up: the live desk's numbers of those days (from 0001) cannot collide.
                "code": f"{desk}-{received:%y%m%d}-{9000 + sequence[(desk, received.date())]:04d}",
                "agency_code": procedure.competent_agency.code,
                "procedure_code": procedure.code,
                "channel": 3 if roll < 0.05 else (2 if roll < 0.65 else 1),
                "received_at": received.isoformat(),
                "due_at": due.isoformat(),
                "resolved_at": resolved.isoformat() if resolved else "",
                "returned_at": returned.isoformat() if returned else "",
                "withdrawn_at": withdrawn.isoformat() if withdrawn else "",
                "outcome": outcome,
            }
        )
    return out.getvalue()


def _add_weekdays(moment: datetime, days: int) -> datetime:
    """Weekdays only; a demo approximation (the real due dates come from dossiers.deadlines and the calendar)."""
    while days > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment
