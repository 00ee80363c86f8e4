"""Cached answers are invalidated exactly when the data they depend on changes (point 5).

Transactional: the versions move after commit, as in production.
"""

from __future__ import annotations

import pytest

from reporting import selectors, stats
from reporting.selectors import StatQuery
from tests.reporting.builders import build_province, make

pytestmark = pytest.mark.django_db(transaction=True)

FEBRUARY = stats.Period.month(2026, 2)
APRIL = stats.Period.month(2026, 4)


def test_answers_are_cached_and_follow_every_change(today, django_assert_num_queries):
    today("2026-04-15 10:00")
    province = build_province()
    make(province, received="2026-04-01", due="2026-04-10 17:00")
    query = StatQuery(period=APRIL)
    assert selectors.totals(query).received == 1
    with django_assert_num_queries(0):
        assert selectors.totals(query).received == 1  # from the cache

    make(province, received="2026-04-15 08:00", due="2026-04-22 17:00")  # a receipt today
    assert selectors.totals(query).received == 2


def test_finished_periods_stay_cached_through_todays_work(today, django_assert_num_queries):
    today("2026-04-15 10:00")
    province = build_province()
    make(province, received="2026-02-02", due="2026-02-10 17:00", resolved="2026-02-09 10:00")
    past = StatQuery(period=FEBRUARY)
    assert selectors.totals(past).resolved_early == 1

    make(province, received="2026-04-15 08:00", due="2026-04-22 17:00")  # changes only today
    with django_assert_num_queries(0):
        assert selectors.totals(past).resolved_early == 1

    # A correction reaching back into February invalidates February's answers.
    make(province, received="2026-02-03", due="2026-02-10 17:00", resolved="2026-02-12 10:00")
    figures = selectors.totals(past)
    assert (figures.resolved_early, figures.resolved_late) == (1, 1)


def test_the_reference_day_is_part_of_the_answer(today):
    """A running period's overdue count changes when the day changes, with no dossier write."""
    today("2026-04-09 10:00")
    province = build_province()
    make(province, received="2026-04-01", due="2026-04-09 17:00")
    query = StatQuery(period=APRIL)
    assert selectors.totals(query).pending_overdue == 0
    today("2026-04-10 08:00")
    assert selectors.totals(query).pending_overdue == 1
