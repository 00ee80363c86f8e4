"""The statistics of point 2, on hand-made dossiers covering every branch of the definitions.

Long An 30/2019 art 14.4 (early / on time / late by the date of the result against the appointment date; overdue
while pending), art 14.5 (resolution rate, on-time rate), art 17.1.c (channels). Each dossier below is named for
the branch it exercises; the expected figures are counted by hand in the comments.
"""

from __future__ import annotations

import pytest

from reporting import selectors, stats
from reporting.selectors import StatQuery
from tests.reporting.builders import make

MARCH_2026 = stats.Period.month(2026, 3)
APRIL_2026 = stats.Period.month(2026, 4)


@pytest.fixture
def march(province, today):
    """The dossiers of the table, with today Wednesday 15/4/2026."""
    today("2026-04-15 10:00")
    p = province
    made = {
        # received in March, result on Mon 9/3 before the appointment Tue 10/3: early
        "early": make(p, received="2026-03-02", due="2026-03-10 17:00", resolved="2026-03-09 15:00"),
        # result at 23:30 on the appointment day (16:30 UTC, same local date): on time
        "on_time_late_evening": make(p, received="2026-03-03", due="2026-03-12 17:00", resolved="2026-03-12 23:30"),
        # result Fri 13/3 after the appointment Wed 11/3: late
        "late": make(p, received="2026-03-04", due="2026-03-11 17:00", resolved="2026-03-13 10:00"),
        # apology slip moved the appointment to 20/3; resolved 18/3 but late once, late always (DESIGN §5)
        "late_once_apology": make(
            p, received="2026-03-05", due="2026-03-20 17:00", resolved="2026-03-18 10:00", was_late=True
        ),
        # a reasoned rejection after appraisal is a result (art 19.8): resolved, early
        "rejected_after_appraisal": make(
            p, received="2026-03-06", due="2026-03-16 17:00", resolved="2026-03-13 10:00", outcome="rejected"
        ),
        # received in February, resolved 4/3: carried over, then resolved early
        "carried_over_resolved": make(p, received="2026-02-20", due="2026-03-05 17:00", resolved="2026-03-04 10:00"),
        # received in February, still open, appointment 10/3 passed: carried over, pending, overdue
        "carried_over_overdue": make(p, received="2026-02-25", due="2026-03-10 17:00"),
        # appointment 5/4 is after the period's last day: pending, not overdue, although today is later
        "pending_due_after_period": make(p, received="2026-03-25", due="2026-04-05 17:00"),
        # appointment on the period's last day itself: not yet overdue that day
        "pending_due_last_day": make(p, received="2026-03-20", due="2026-03-31 17:00"),
        # withdrawn in the period: received, never resolved nor pending
        "withdrawn_in_period": make(p, received="2026-03-06", withdrawn="2026-03-08 10:00"),
        # withdrawn before the period: nothing
        "withdrawn_before": make(p, received="2026-02-10", withdrawn="2026-02-15 10:00"),
        # refused at intake: never received, never counted
        "refused_at_intake": make(p, refused="2026-03-07 10:00"),
        # resolved before the period: nothing
        "resolved_before": make(p, received="2026-02-01", due="2026-02-10 17:00", resolved="2026-02-05 10:00"),
        # resolved after the period: received, and still pending at the end of March
        "resolved_after_period": make(p, received="2026-03-28", due="2026-04-02 17:00", resolved="2026-04-03 10:00"),
        # received after the period: nothing
        "received_after_period": make(p, received="2026-04-02", due="2026-04-20 17:00"),
        # processing stopped with a notice: received, then neither resolved nor pending
        "stopped": make(p, received="2026-03-09", due="2026-03-20 17:00", stopped="2026-03-12 10:00"),
        # received by post, result returned by post
        "postal": make(
            p,
            channel=3,
            received="2026-03-10",
            due="2026-03-20 17:00",
            resolved="2026-03-15 10:00",
            returned="2026-03-16 10:00",
            result_channel="postal",
        ),
        # received in person, resolved on the appointment day: on time
        "in_person": make(p, channel=1, received="2026-03-11", due="2026-03-18 17:00", resolved="2026-03-18 10:00"),
        # 1/3 00:10 in Hồ Chí Minh City is 28/2 17:10 UTC: it belongs to March
        "first_minute_of_march": make(p, received="2026-03-01 00:10", due="2026-03-10 17:00"),
        # 31/3 23:30 local is still March
        "last_minute_of_march": make(p, received="2026-03-31 23:30", due="2026-04-09 17:00"),
        # received in February, withdrawn in March: carried over, then gone
        "carried_over_withdrawn": make(p, received="2026-02-26", withdrawn="2026-03-05 10:00"),
        # resolved in February, result returned by post on 2/3: a postal return of March
        "returned_by_post_in_period": make(
            p,
            received="2026-02-01",
            due="2026-02-27 17:00",
            resolved="2026-02-27 10:00",
            returned="2026-03-02 10:00",
            result_channel="postal",
        ),
    }
    return made


def test_march_2026_every_branch_of_the_definitions(march):
    figures = selectors.totals(StatQuery(period=MARCH_2026))
    # received: early, on_time_late_evening, late, late_once_apology, rejected_after_appraisal,
    # pending_due_after_period, pending_due_last_day, withdrawn_in_period, resolved_after_period, stopped, postal,
    # in_person, first_minute_of_march, last_minute_of_march = 14
    assert figures.received == 14
    assert (figures.received_in_person, figures.received_online, figures.received_postal) == (1, 12, 1)
    # carried over: carried_over_resolved, carried_over_overdue, carried_over_withdrawn
    assert figures.carried_over == 3
    # resolved: early, rejected_after_appraisal, carried_over_resolved, postal (early); on_time_late_evening,
    # in_person (on time); late, late_once_apology (late)
    assert (figures.resolved, figures.resolved_early, figures.resolved_on_time, figures.resolved_late) == (8, 4, 2, 2)
    # pending at 31/3: carried_over_overdue, pending_due_after_period, pending_due_last_day, resolved_after_period,
    # first_minute_of_march, last_minute_of_march; overdue: carried_over_overdue, first_minute_of_march
    assert (figures.pending, figures.pending_overdue) == (6, 2)
    assert figures.returned_postal == 2
    assert figures.resolution_rate == pytest.approx(8 / 17)
    assert figures.on_time_rate == pytest.approx(6 / 8)
    assert figures.online_share == pytest.approx(12 / 14)
    # Nothing is lost: what was there plus what came in = what left plus what stays (3 withdrawn or stopped).
    assert figures.received + figures.carried_over == figures.resolved + 3 + figures.pending


def test_a_running_period_compares_appointments_with_today(march):
    """April 2026 with today 15/4: overdue means an appointment date before today, not before 30/4."""
    figures = selectors.totals(StatQuery(period=APRIL_2026))
    assert figures.received == 1  # received_after_period
    assert figures.carried_over == 6  # the six pending at the end of March
    # resolved_after_period: result 3/4 after its appointment 2/4
    assert (figures.resolved, figures.resolved_late) == (1, 1)
    # pending: carried_over_overdue, pending_due_after_period, pending_due_last_day, first_minute_of_march,
    # last_minute_of_march, received_after_period; all but the last (due 20/4) are past due on 15/4
    assert (figures.pending, figures.pending_overdue) == (6, 5)


def test_rates_are_null_without_a_divisor(march):
    figures = selectors.totals(StatQuery(period=stats.Period.month(2025, 6)))
    assert figures.as_dict() == {
        "received": 0,
        "carried_over": 0,
        "resolved": 0,
        "resolved_early": 0,
        "resolved_on_time": 0,
        "resolved_late": 0,
        "pending": 0,
        "pending_overdue": 0,
        "resolution_rate": None,
        "on_time_rate": None,
        "received_in_person": 0,
        "received_online": 0,
        "received_postal": 0,
        "returned_postal": 0,
        "online_share": None,
    }


def test_a_single_day_period(march):
    """[9/3, 9/3]: the early dossier's result day; everything else is stock."""
    figures = selectors.totals(
        StatQuery(period=stats.Period(MARCH_2026.start.replace(day=9), MARCH_2026.start.replace(day=9)))
    )
    assert figures.received == 1  # stopped (received 9/3)
    assert (figures.resolved, figures.resolved_early) == (1, 1)  # early


def test_the_oracle_agrees_on_the_table(march):
    """The literal reading (count_directly) gives the same figures as the rollups for every month around."""
    from dossiers.signals import snapshot

    facts = [stats.facts_of(snapshot(d)) for d in march.values()]
    for month in (2, 3, 4):
        period = stats.Period.month(2026, month)
        assert (
            selectors.totals(StatQuery(period=period)).as_dict()
            == stats.count_directly(
                facts, period=period, today=stats.Period.month(2026, 4).start.replace(day=15)
            ).as_dict()
        )


class TestFilters:
    @pytest.fixture
    def dossiers(self, province, today):
        today("2026-04-15 10:00")
        p = province
        return [
            make(p, procedure=p.birth, received="2026-03-02", due="2026-03-10 17:00", resolved="2026-03-09 10:00"),
            # decided by the justice department's division: counts for the department's sub-tree
            make(
                p,
                procedure=p.birth,
                agency=p.justice_division,
                channel=1,
                received="2026-03-03",
                due="2026-03-10 17:00",
                resolved="2026-03-12 10:00",
            ),
            make(p, procedure=p.business, received="2026-03-04", due="2026-03-20 17:00"),
            make(p, procedure=p.residence, channel=3, received="2026-03-05", due="2026-03-06 17:00"),
        ]

    def test_an_agency_counts_its_whole_sub_tree(self, province, dossiers):
        figures = selectors.totals(StatQuery(period=MARCH_2026, agency=province.justice))
        assert (figures.received, figures.resolved_early, figures.resolved_late) == (2, 1, 1)
        division = selectors.totals(StatQuery(period=MARCH_2026, agency=province.justice_division))
        assert (division.received, division.resolved_late) == (1, 1)
        assert selectors.totals(StatQuery(period=MARCH_2026, agency=province.root)).received == 4

    def test_sector_procedure_and_channel_filters(self, province, dossiers):
        birth_sector = province.birth.sector
        assert selectors.totals(StatQuery(period=MARCH_2026, sector=birth_sector)).received == 3
        assert selectors.totals(StatQuery(period=MARCH_2026, procedure=province.business)).pending == 1
        assert selectors.totals(StatQuery(period=MARCH_2026, channel=3)).pending_overdue == 1

    def test_group_by_unit_folds_divisions_into_departments(self, province, dossiers):
        rows = selectors.statistics(StatQuery(period=MARCH_2026), group_by="unit")
        assert [(r.key, r.kind, r.figures.received) for r in rows] == [
            ("000.00.04.H41", "department", 2),
            ("000.00.07.H41", "department", 1),
            ("001.00.00.H41", "commune", 1),
        ]
        inside = selectors.statistics(StatQuery(period=MARCH_2026, agency=province.justice), group_by="unit")
        assert [(r.key, r.figures.received) for r in inside] == [("000.00.04.H41", 1), ("000.04.01.H41", 1)]

    def test_group_by_agency_sector_procedure_channel(self, province, dossiers):
        query = StatQuery(period=MARCH_2026)
        by_agency = {r.key: r.figures.received for r in selectors.statistics(query, group_by="agency")}
        assert by_agency == {"000.00.04.H41": 1, "000.04.01.H41": 1, "000.00.07.H41": 1, "001.00.00.H41": 1}
        by_sector = {r.key: r.figures.received for r in selectors.statistics(query, group_by="sector")}
        assert by_sector == {"HT": 3, "DKKD": 1}
        by_procedure = {r.key: r.figures.received for r in selectors.statistics(query, group_by="procedure")}
        assert by_procedure == {"1.001193": 2, "2.001610": 1, "1.004222": 1}
        by_channel = {r.key: (r.name, r.figures.received) for r in selectors.statistics(query, group_by="channel")}
        assert by_channel == {"1": ("Trực tiếp", 1), "2": ("Trực tuyến", 2), "3": ("Qua bưu chính", 1)}

    def test_rows_sum_to_the_total(self, province, dossiers):
        query = StatQuery(period=MARCH_2026)
        total = selectors.totals(query)
        for group_by in selectors.GROUPINGS:
            summed = stats.Figures()
            for row in selectors.statistics(query, group_by=group_by):
                summed.add(row.figures)
            assert summed.as_dict() == total.as_dict(), group_by
