"""Benchmark: the officers' dossier lists at a million dossiers, against a primary-key fetch of the same page.

    .venv/bin/python benchmarks/bench_desk_queue.py [--rounds 10] [--receiver motcua.tinh@longan.gov.vn]
    make bench BENCH_ARGS="desk_queue"

Issue 6 point 1: the desk queue is "fast with a million dossiers in the database". On a dataset loaded by
``manage.py seed_bench --dossiers 1000000`` (about 420,000 dossiers at the provincial centre's desk), it times
``dossiers.selectors.desk.dossier_list`` — the bounded count, the page's ids in order, the 25 rows with their
agencies and the time left on each deadline — for the default queue and for each filter, sort and search an
officer uses, and compares it with the irreducible part measured in the same rounds:

* ``baseline``: the same 25 dossiers fetched by primary key with the same related rows, and their deadlines.

It also runs ``EXPLAIN ANALYZE`` on every query of every case and reports the slowest one, which must stay under
``PLAN_LIMIT_MS``: that is the check that each list is served by an index (migrations 0006 and 0009 of dossiers) and
never by a scan or a sort of a whole desk. Targets: each case ≤ ``TARGET`` × the baseline and every query's
execution ≤ ``PLAN_LIMIT_MS``. A database with fewer than ``MIN_DOSSIERS`` dossiers is reported as not available.
Needs Redis (``REDIS_URL``) for the portal clock.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

TARGET = 8.0
PLAN_LIMIT_MS = 150.0
MIN_DOSSIERS = 500_000


def cases(sample: dict) -> dict[str, tuple[str, dict]]:
    """name → (queue, query parameters), built around a real dossier of the desk (its code, CCCD, name)."""
    return {
        "desk: awaiting the check (default)": ("desk", {}),
        "desk: every status, by deadline": ("desk", {"status": ""}),
        "desk: every status, newest submitted": ("desk", {"status": "", "sort": "-submitted"}),
        "desk: every status, by code": ("desk", {"status": "", "sort": "code"}),
        "desk: returned, page 40": ("desk", {"status": "returned", "page": "40"}),
        "desk: search by CCCD": ("desk", {"status": "", "q": sample["applicant_id_number"]}),
        "desk: search by code prefix": ("desk", {"status": "", "q": sample["code"][:20]}),
        "desk: search by a common name": ("desk", {"status": "", "q": sample["applicant_name"].split()[-1]}),
        "desk: online channel": ("desk", {"status": "", "channel": "2"}),
        "desk: one procedure": ("desk", {"status": "", "procedure": sample["procedure__code"]}),
        "desk: received in one month": (
            "desk",
            {"status": "", "received_from": sample["month_start"], "received_to": sample["month_end"]},
        ),
        "desk: overdue": ("desk", {"status": "", "overdue": "on"}),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--receiver", default="motcua.tinh@longan.gov.vn")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from dossiers.models import Dossier
    from dossiers.selectors import desk
    from portal.models import User

    total = Dossier.objects.count()
    if connection.vendor != "postgresql" or total < MIN_DOSSIERS:
        print(f"Not available: {total:,} dossiers on {connection.vendor} (load with manage.py seed_bench).")
        return {"available": False, "dossiers": total}
    receiver = User.objects.filter(email=args.receiver).first()
    if receiver is None:
        print(f"Not available: no receiving officer {args.receiver} (run manage.py seed_demo).")
        return {"available": False, "dossiers": total}
    scope = desk.desk_scope(receiver)
    sample = (
        scope.exclude(code=None)
        .exclude(applicant_id_number="")
        .order_by("-pk")
        .values("code", "applicant_id_number", "applicant_name", "procedure__code", "received_at")
        .first()
    )
    if sample is None:
        print("Not available: the desk has no received dossier with a CCCD.")
        return {"available": False, "dossiers": total}
    received = sample["received_at"].date()
    sample["month_start"] = received.replace(day=1).isoformat()
    sample["month_end"] = received.isoformat()
    print(f"{total:,} dossiers; {args.receiver}'s desk: {scope.count():,}.")

    def params(values: dict) -> QueryDict:
        query = QueryDict(mutable=True)
        query.update(values)
        return query

    def listing(queue: str, values: dict):
        return desk.dossier_list(user=receiver, queue=queue, params=params(values))

    first_page = [row.dossier.pk for row in listing("desk", {"status": ""}).page.rows]

    def baseline() -> int:
        rows = desk.rows_by_pk(first_page)
        for dossier in rows:
            desk.deadline_of(dossier)
        return len(rows)

    named = cases(sample)
    timings: dict[str, list[float]] = {"baseline": []}
    matches: dict[str, str] = {}
    for name, (queue, values) in named.items():
        timings[name] = []
        result = listing(queue, values)  # warm up, and record what it found
        matches[name] = f"{result.page.count:,}{'' if result.page.count_is_exact else '+'}"
    for _ in range(args.rounds):
        started = time.perf_counter()
        baseline()
        timings["baseline"].append(time.perf_counter() - started)
        for name, (queue, values) in named.items():
            started = time.perf_counter()
            listing(queue, values)
            timings[name].append(time.perf_counter() - started)

    plans: dict[str, float] = {}
    for name, (queue, values) in named.items():
        with CaptureQueriesContext(connection) as captured:
            listing(queue, values)
        slowest = 0.0
        for query in captured.captured_queries:
            if "dossiers_dossier" not in query["sql"]:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0]
            slowest = max(slowest, float(plan[0]["Execution Time"]))
        plans[name] = slowest

    base = statistics.median(timings["baseline"])
    figures: dict = {"available": True, "dossiers": total, "baseline_ms": round(base * 1000, 1), "cases": {}}
    passed = True
    print(f"\n{'case':42} {'median':>9} {'÷ base':>7} {'slowest query':>14} {'matches':>9}")
    print(f"{'baseline: 25 rows by primary key':42} {base * 1000:8.1f}ms {1:7.2f}")
    for name in named:
        median = statistics.median(timings[name])
        ratio = median / base
        ok = ratio <= TARGET and plans[name] <= PLAN_LIMIT_MS
        passed &= ok
        figures["cases"][name] = {
            "median_ms": round(median * 1000, 1),
            "ratio": round(ratio, 2),
            "slowest_query_ms": round(plans[name], 1),
            "matches": matches[name],
        }
        flag = "" if ok else "  ✗"
        print(f"{name:42} {median * 1000:8.1f}ms {ratio:7.2f} {plans[name]:12.1f}ms {matches[name]:>9}{flag}")
    figures["passed"] = passed
    print(
        f"\nTargets: ≤ {TARGET:g}× the baseline, every query ≤ {PLAN_LIMIT_MS:g} ms. {'PASSED' if passed else 'FAILED'}"
    )
    return figures


if __name__ == "__main__":
    result = main()
    sys.exit(0 if result.get("passed", True) else 1)
