"""Benchmark: a million ``WorkingCalendar.add_working_days`` calls against baselines measured in the same run.

    .venv/bin/python benchmarks/bench_workdays.py [--calls 1000000] [--seed 7]

Inputs are realistic: start moments spread over 2025–2027 (most in or near office hours, some at night, at lunch and
on days off) and N from 1 to 30 working days, generated before timing. Three loops over the same inputs:

* ``plain``: ``start + timedelta(days=n)`` — the cost of the loop and of building one aware datetime per call;
* ``workdays``: ``calendar.add_working_days(start, n)`` — the real thing (per-year tables, no loop over days);
* ``naive``: a day-by-day loop over a precomputed set of days off, the usual hand-written solution; it is slow, so
  it runs on the first ``--naive-calls`` inputs (100,000 by default) and is compared per call.

Plain and workdays run ``--rounds`` times, interleaved, and their medians are compared. The ratios are what matter
(same machine, same process). Targets: ``workdays`` within 10× of ``plain`` and faster
than ``naive``. The naive results are also compared with ours, call by call: a free cross-check. No database is
needed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

TARGET_VS_PLAIN = 10.0


def realistic_inputs(calls: int, seed: int) -> list[tuple[datetime, int]]:
    from portal.workdays import TZ

    rnd = random.Random(seed)
    first = date(2025, 1, 1).toordinal()
    span = date(2027, 12, 31).toordinal() - first + 1
    inputs = []
    for _ in range(calls):
        day = date.fromordinal(first + rnd.randrange(span))
        # Mostly 07:00–17:30; the rest at any time of day or night.
        minute = 7 * 60 + rnd.randrange(10 * 60 + 30) if rnd.random() < 0.85 else rnd.randrange(24 * 60)
        start = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=TZ)
        inputs.append((start, rnd.randint(1, 30)))
    return inputs


def naive_add_working_days(start: datetime, n: int, days_off: set[date], make_up: set[date]) -> datetime:
    """Day by day, with the same rules as portal.workdays (07:30–11:30, 13:00–17:00, Monday–Friday)."""

    def working(day: date) -> bool:
        return day in make_up or (day.weekday() < 5 and day not in days_off)

    day, clock = start.date(), start.timetz()
    minutes = clock.hour * 60 + clock.minute
    if not working(day) or minutes >= 17 * 60:
        day += timedelta(days=1)
        while not working(day):
            day += timedelta(days=1)
        clock = clock.replace(hour=7, minute=30, second=0, microsecond=0)
    elif minutes < 7 * 60 + 30:
        clock = clock.replace(hour=7, minute=30, second=0, microsecond=0)
    elif 11 * 60 + 30 <= minutes < 13 * 60:
        clock = clock.replace(hour=13, minute=0, second=0, microsecond=0)
    while n:
        day += timedelta(days=1)
        if working(day):
            n -= 1
    return datetime.combine(day, clock)


def timed(label: str, loop) -> float:
    started = time.perf_counter()
    loop()
    elapsed = time.perf_counter() - started
    print(f"  {label:<18} {elapsed:8.2f} s")
    return elapsed


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of plain and workdays; medians are reported")
    parser.add_argument("--naive-calls", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from portal.workdays import WorkingCalendar

    calendar = WorkingCalendar()
    inputs = realistic_inputs(args.calls, args.seed)
    # Build the tables once (2025–2030: results of N ≤ 30 from late 2027 spill into 2028).
    calendar.add_working_days(inputs[0][0], 1)
    calendar.is_working_day(date(2030, 12, 31))
    days_off, make_up = set(), set()
    for year in range(2025, 2031):
        for info in calendar.year_days(year):
            if info.is_working and info.day.weekday() >= 5:
                make_up.add(info.day)
            elif not info.is_working and info.day.weekday() < 5:
                days_off.add(info.day)

    add = calendar.add_working_days
    results: list[datetime] = []
    naive_results: list[datetime] = []

    def plain() -> None:
        for start, n in inputs:
            start + timedelta(days=n)

    def workdays() -> None:
        results.clear()
        append = results.append
        for start, n in inputs:
            append(add(start, n))

    naive_inputs = inputs[: min(args.naive_calls, args.calls)]

    def naive() -> None:
        append = naive_results.append
        for start, n in naive_inputs:
            append(naive_add_working_days(start, n, days_off, make_up))

    print(f"bench_workdays: {args.calls:,} add_working_days calls, N = 1–30, starts over 2025–2027")
    plain_rounds, workdays_rounds = [], []
    for number in range(1, max(1, args.rounds) + 1):  # interleaved, so that a busy moment hits both alike
        plain_rounds.append(timed(f"plain #{number}", plain))
        workdays_rounds.append(timed(f"workdays #{number}", workdays))
    plain_s, workdays_s = statistics.median(plain_rounds), statistics.median(workdays_rounds)
    naive_s = timed(f"naive ({len(naive_inputs):,})", naive)
    mismatches = sum(1 for ours, theirs in zip(results, naive_results, strict=False) if ours != theirs)

    vs_plain = workdays_s / plain_s
    naive_vs_ours = (naive_s / len(naive_inputs)) / (workdays_s / args.calls)
    per_call_us = workdays_s / args.calls * 1e6
    passed = vs_plain <= TARGET_VS_PLAIN and naive_vs_ours > 1 and mismatches == 0
    print(f"  medians: plain {plain_s:.2f} s, workdays {workdays_s:.2f} s ({per_call_us:.2f} µs per call)")
    print(f"  workdays ÷ plain = {vs_plain:.2f}× (target ≤ {TARGET_VS_PLAIN:g}×)")
    print(f"  naive ÷ workdays = {naive_vs_ours:.2f}× per call (the day-by-day loop is that much slower)")
    print(f"  results differing from the naive loop: {mismatches}")
    print("  " + ("PASSED" if passed else "FAILED"))
    return {
        "calls": args.calls,
        "rounds": len(plain_rounds),
        "plain_s": round(plain_s, 3),
        "workdays_s": round(workdays_s, 3),
        "naive_calls": len(naive_inputs),
        "naive_s": round(naive_s, 3),
        "workdays_per_call_us": round(per_call_us, 3),
        "workdays_vs_plain": round(vs_plain, 2),
        "naive_vs_workdays": round(naive_vs_ours, 2),
        "mismatches": mismatches,
        "passed": passed,
    }


if __name__ == "__main__":
    sys.exit(0 if main()["passed"] else 1)
