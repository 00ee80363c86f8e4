"""The rollups answer exactly what a direct count of the dossiers answers (point 3), on random data.

Hypothesis draws random dossiers and random sequences of changes to them (receipt, appointment moves, results,
withdrawals, stops, postal returns, apology slips, transfers to another agency, channel corrections); each change
is sent through ``dossier_changed`` with before/after snapshots, as the workflow sends it. Then, for random
periods, filters and groupings, the figures read from the rollups equal ``stats.count_directly`` over the
dossiers as they now are — and equal again after ``rebuild_stats``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossiers.models import Dossier
from dossiers.signals import snapshot
from reporting import selectors, services, stats
from reporting.selectors import StatQuery
from tests.reporting.builders import VN, change, make

FIRST_DAY = date(2025, 12, 1)
TODAY = date(2026, 3, 31)
SPAN = (TODAY - FIRST_DAY).days


def moment(day_offset: int, minute: int) -> datetime:
    day = FIRST_DAY + timedelta(days=max(0, min(SPAN, day_offset)))
    return datetime.combine(day, time(0, 0), tzinfo=VN) + timedelta(minutes=minute)


minutes = st.sampled_from([0, 5, 7 * 60 + 30, 9 * 60, 16 * 60 + 59, 17 * 60, 23 * 60 + 55])

operation = st.one_of(
    st.tuples(st.just("receive"), st.integers(0, SPAN), minutes),
    st.tuples(st.just("move_due"), st.integers(-3, 20), minutes),
    st.tuples(st.just("resolve"), st.integers(-2, 25), minutes, st.sampled_from(["approved", "rejected"])),
    st.tuples(st.just("withdraw"), st.integers(0, 25), minutes),
    st.tuples(st.just("stop"), st.integers(0, 25), minutes),
    st.tuples(st.just("return"), st.integers(0, 5), minutes, st.booleans()),
    st.tuples(st.just("apology"), st.integers(1, 10)),
    st.tuples(st.just("transfer"), st.integers(0, 3)),
    st.tuples(st.just("channel"), st.integers(1, 3)),
    st.tuples(st.just("reopen")),
)

dossier_plan = st.fixed_dictionaries(
    {
        "procedure": st.integers(0, 2),
        "channel": st.integers(1, 3),
        "start": st.integers(0, SPAN),
        "minute": minutes,
        "due_days": st.integers(0, 20),
        "received": st.booleans(),
        "operations": st.lists(operation, max_size=5),
    }
)

period_strategy = st.tuples(st.integers(-5, SPAN + 10), st.integers(0, 60)).map(
    lambda pair: stats.Period(FIRST_DAY + timedelta(days=pair[0]), FIRST_DAY + timedelta(days=pair[0] + pair[1]))
)


def _clamp(value: datetime, low: datetime | None = None) -> datetime:
    latest = datetime.combine(TODAY, time(12, 0), tzinfo=VN)
    value = min(value, latest)
    return max(value, low) if low else value


def _apply(d: Dossier, op: tuple, province) -> None:
    """One change a real dossier can undergo, with dates kept in a possible order and not after today."""
    kind = op[0]
    open_ = d.received_at and not (d.resolved_at or d.withdrawn_at or d.stopped_at)
    if kind == "receive" and d.received_at is None and d.refused_at is None:
        received = _clamp(moment(op[1], op[2]))
        change(d, received_at=received, due_at=received + timedelta(days=7))
    elif kind == "move_due" and open_:
        change(d, due_at=max(d.received_at, d.due_at + timedelta(days=op[1])))
    elif kind == "resolve" and open_:
        # A result may even carry a moment before the receipt moment (accepted after hours, counted from the next
        # working morning, approved before it); never after today.
        change(d, resolved_at=_clamp(d.received_at + timedelta(days=op[1], minutes=op[2])), outcome=op[3])
    elif kind == "withdraw" and (open_ or (d.received_at is None and d.refused_at is None)):
        base = d.received_at or moment(0, 0)
        change(d, withdrawn_at=_clamp(base + timedelta(days=op[1], minutes=op[2]), low=base))
    elif kind == "stop" and open_:
        change(d, stopped_at=_clamp(d.received_at + timedelta(days=op[1], minutes=op[2]), low=d.received_at))
    elif kind == "return" and d.resolved_at and not d.returned_at:
        change(
            d,
            returned_at=_clamp(d.resolved_at + timedelta(days=op[1], minutes=op[2]), low=d.resolved_at),
            result_channel="postal" if op[3] else "counter",
        )
    elif kind == "apology" and open_ and d.due_at:
        change(d, due_at=d.due_at + timedelta(days=op[1]), was_late=True)
    elif kind == "transfer" and open_:
        target = [province.justice, province.justice_division, province.finance, province.commune][op[1]]
        change(d, competent_agency=target)
    elif kind == "channel":
        change(d, channel=op[1])
    elif kind == "reopen" and d.resolved_at and not d.returned_at:
        # A result withdrawn by the leader before it is handed back (a correction): open again.
        change(d, resolved_at=None, outcome="")


@pytest.fixture
def frozen(province, today):
    today("2026-03-31 12:00")
    return province


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    plans=st.lists(dossier_plan, min_size=1, max_size=10),
    periods=st.lists(period_strategy, min_size=1, max_size=3),
    filter_index=st.integers(0, 6),
)
def test_rollups_equal_a_direct_count(frozen, plans, periods, filter_index):
    province = frozen
    procedures = [province.birth, province.business, province.residence]
    with transaction.atomic():
        dossiers = []
        for plan in plans:
            start = moment(plan["start"], plan["minute"])
            received = _clamp(start) if plan["received"] else None
            d = make(
                province,
                procedure=procedures[plan["procedure"]],
                channel=plan["channel"],
                received=received,
                due=(received + timedelta(days=plan["due_days"])) if received else None,
            )
            for op in plan["operations"]:
                _apply(d, op, province)
            dossiers.append(d)

        filters = [
            {},
            {"agency": province.justice},
            {"agency": province.justice_division},
            {"agency": province.commune},
            {"sector": province.birth.sector},
            {"procedure": province.business},
            {"channel": 2},
        ][filter_index]

        def selected(f: stats.Facts) -> bool:
            if "agency" in filters:
                agency_path = {a.pk: a.path for a in type(filters["agency"]).objects.all()}[f.key.agency_id]
                if not agency_path.startswith(filters["agency"].path):
                    return False
            if "sector" in filters and f.key.sector_id != filters["sector"].pk:
                return False
            if "procedure" in filters and f.key.procedure_id != filters["procedure"].pk:
                return False
            return not ("channel" in filters and f.key.channel != filters["channel"])

        def check() -> None:
            facts = [f for f in (stats.facts_of(snapshot(d)) for d in Dossier.objects.all()) if f and selected(f)]
            for period in periods:
                expected = stats.count_directly(facts, period=period, today=TODAY)
                query = StatQuery(period=period, **filters)
                for use_cache in (False, True):
                    assert selectors.totals(query, use_cache=use_cache).as_dict() == expected.as_dict(), period
                for group_by in selectors.GROUPINGS:
                    summed = stats.Figures()
                    for row in selectors.statistics(query, group_by=group_by, use_cache=False):
                        summed.add(row.figures)
                    assert summed.as_dict() == expected.as_dict(), (period, group_by)

        check()
        services.rebuild_stats()
        check()
        transaction.set_rollback(True)
