"""The desk queue and the worklist: the time left on the desk's check (8 working hours by default, Bình Định
27/2020) and on the appointment, coloured; filters, search, sort and bounded pagination (issue 6 point 1)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.http import QueryDict

from dossiers.models import Dossier
from dossiers.selectors import desk as desk_selectors
from tests.desk.builders import processing_, received
from tests.desk.conftest import vn

pytestmark = pytest.mark.django_db


def listing(user, queue="desk", **params):
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    return desk_selectors.dossier_list(user=user, queue=queue, params=query)


def codes(result) -> list[int]:
    return [row.dossier.pk for row in result.page.rows]


# Submitted Monday 7/12/2026 09:00: the desk must have checked it by Tuesday 8/12 09:00 (8 working hours).
DESK_SLA = [
    pytest.param(vn(2026, 12, 7, 9), 8.0, "ok", "Còn 8 giờ làm việc", id="mon-0900-just-submitted-8h-left"),
    pytest.param(vn(2026, 12, 7, 14), 4.5, "ok", "Còn 4,5 giờ làm việc", id="mon-1400-lunch-not-counted-4h30-left"),
    pytest.param(vn(2026, 12, 8, 7, 30), 1.5, "warn", "Còn 1,5 giờ làm việc", id="tue-0730-amber-last-2-hours"),
    pytest.param(vn(2026, 12, 8, 9), 0.0, "bad", "Quá hạn kiểm tra 0 giờ làm việc", id="tue-0900-due-now-red"),
    pytest.param(vn(2026, 12, 8, 13, 30), -3.0, "bad", "Quá hạn kiểm tra 3 giờ làm việc", id="tue-1330-3h-late"),
]


@pytest.mark.parametrize(("now", "hours", "level", "label"), DESK_SLA)
def test_time_left_on_the_desks_check(now: datetime, hours, level, label, world, at):
    with at(vn(2026, 12, 7, 9)):
        world.submitted()
    with at(now):
        row = listing(world.receiver).page.rows[0]
    assert row.deadline.kind == "desk"
    assert row.deadline.at == vn(2026, 12, 8, 9)
    assert row.deadline.hours_left == pytest.approx(hours)
    assert (row.deadline.level, row.deadline.label) == (level, label)


def test_a_submission_after_17h_counts_from_the_next_working_morning(world, at):
    """Friday 11/12/2026 17:30 counts as received Monday 14/12 07:30 (Long An 30/2019 art 9): check by Tuesday."""
    with at(vn(2026, 12, 11, 17, 30)):
        world.submitted()
        row = listing(world.receiver).page.rows[0]
    assert row.deadline.at == vn(2026, 12, 15, 7, 30)
    assert row.deadline.label == "Còn 8 giờ làm việc"


def test_the_worklist_shows_the_appointment_and_turns_red_the_day_after_it(world, at):
    """5 working days from Monday 7/12/2026 09:00 → Monday 14/12 09:00. Overdue from Tuesday 15/12 (by the date,
    Long An 30/2019 art 14.4 d); on the day itself it is amber."""
    with at(vn(2026, 12, 7, 9)):
        processing_(world)
    with at(vn(2026, 12, 9, 9)):
        early = listing(world.specialist, queue="work").page.rows[0].deadline
    with at(vn(2026, 12, 14, 10)):
        due_day = listing(world.specialist, queue="work").page.rows[0].deadline
    with at(vn(2026, 12, 15, 8)):
        late = listing(world.specialist, queue="work").page.rows[0].deadline
    assert early.at == vn(2026, 12, 14, 9)
    assert (early.level, early.label) == ("ok", "Còn 3 ngày làm việc")
    assert due_day.level == "warn" and due_day.label == "Đến hạn trả kết quả hôm nay"
    assert late.level == "bad" and late.label.startswith("Quá hạn")


def test_filters_narrow_the_queue(world, at):
    from tests.factories import ComponentFactory, ProcedureVersionFactory

    second = ProcedureVersionFactory(competent_agency=world.department, service_level=3)
    second.receiving_agencies.add(world.desk)
    second_component = ComponentFactory(version=second, required=True)
    with at(vn(2026, 12, 7, 9)):
        first = world.submitted()
        other = world.draft(version=second)
        world.attach(other, second_component)
        from dossiers import workflow

        other = workflow.submit(other, by=other.applicant)
    with at(vn(2026, 12, 8, 10)):
        by_procedure = listing(world.receiver, procedure=second.procedure.code)
        by_sector = listing(world.receiver, sector=second.sector.code)
        by_channel = listing(world.receiver, channel="3")
        overdue = listing(world.receiver, overdue="on")
    assert codes(by_procedure) == [other.pk]
    assert codes(by_sector) == [other.pk]
    assert codes(by_channel) == []
    assert sorted(codes(overdue)) == sorted([first.pk, other.pk])


def test_search_by_cccd_code_prefix_or_part_of_the_name(world, at):
    from tests.factories import CitizenFactory

    with at(vn(2026, 12, 7, 9)):
        accepted = received(world)
        waiting = world.submitted(applicant=CitizenFactory(full_name="Trần Thị Bình"))
    everything = {"status": ""}
    assert codes(listing(world.receiver, q=waiting.applicant_id_number, **everything)) == [waiting.pk]
    assert codes(listing(world.receiver, q="000.00.01.H41-261207", **everything)) == [accepted.pk]
    assert codes(listing(world.receiver, q=accepted.code.lower(), **everything)) == [accepted.pk]
    assert codes(listing(world.receiver, q="thị bình", **everything)) == [waiting.pk]  # any case, with diacritics


def test_received_and_due_ranges_and_assigned_to_me(world, at):
    with at(vn(2026, 12, 7, 9)):
        monday = processing_(world)  # due Monday 14/12
    with at(vn(2026, 12, 9, 9)):
        wednesday = received(world)  # due Wednesday 16/12, not assigned
    assert codes(listing(world.specialist, queue="work", received_from="2026-12-08")) == [wednesday.pk]
    assert codes(listing(world.specialist, queue="work", received_to="2026-12-07")) == [monday.pk]
    assert codes(listing(world.specialist, queue="work", due_from="2026-12-15", due_to="2026-12-16")) == [wednesday.pk]
    assert codes(listing(world.specialist, queue="work", mine="on")) == [monday.pk]


def test_sorting_by_deadline_and_by_submission(world, at):
    with at(vn(2026, 12, 7, 14)):
        later = world.submitted()
    with at(vn(2026, 12, 7, 9)):
        sooner = world.submitted()
    assert codes(listing(world.receiver)) == [sooner.pk, later.pk]
    assert codes(listing(world.receiver, sort="-deadline")) == [later.pk, sooner.pk]
    assert codes(listing(world.receiver, sort="-submitted")) == [later.pk, sooner.pk]


def test_pages_of_25_and_a_count_that_stops_at_the_limit(world, at, monkeypatch):
    monkeypatch.setattr(desk_selectors, "COUNT_LIMIT", 30)
    with at(vn(2026, 12, 7, 9)):
        for _ in range(32):
            world.submitted()
    first = listing(world.receiver)
    second = listing(world.receiver, page="2")
    assert len(first.page.rows) == 25 and first.page.has_next
    assert (first.page.count, first.page.count_is_exact) == (30, False)
    # The last page the bounded count reaches shows whatever is there; past it, narrow the filters.
    assert len(second.page.rows) == 7 and not second.page.has_next
    assert not set(codes(first)) & set(codes(second))


def test_a_broken_filter_answers_400_with_the_reason(world, client_of):
    response = client_of(world.receiver).get("/mot-cua/?received_from=31-02-2026")
    assert response.status_code == 400
    assert "Bộ lọc chưa hợp lệ" in response.content.decode()


def test_the_approval_queue_holds_what_awaits_this_leader(world, at, certificates):
    from tests.desk.builders import proposed

    with at(vn(2026, 12, 7, 9)):
        waiting = proposed(world)
        processing_(world)
    assert codes(listing(world.leader, queue="approval")) == [waiting.pk]
    assert codes(listing(world.specialist, queue="approval")) == []
    assert Dossier.objects.count() == 2


@pytest.mark.parametrize("sort", ["deadline", "-deadline", "submitted", "-submitted", "received", "-received", "code"])
def test_a_short_list_sorted_here_and_a_long_one_sorted_by_the_database_agree(sort, world, at, monkeypatch):
    """The two plans of ``page_of`` (at most COUNT_LIMIT rows sorted in Python; more, ordered by PostgreSQL) give
    the same order, NULLs included (dossiers awaiting the check have no appointment yet)."""
    with at(vn(2026, 12, 7, 9)):
        for _ in range(3):
            world.submitted()
        for _ in range(3):
            received(world)
    with at(vn(2026, 12, 8, 10)):
        for _ in range(2):
            received(world)
        world.submitted()
    in_python = listing(world.receiver, status="", sort=sort)
    monkeypatch.setattr(desk_selectors, "COUNT_LIMIT", 3)
    in_sql = listing(world.receiver, status="", sort=sort)
    assert in_python.page.count_is_exact and not in_sql.page.count_is_exact
    assert codes(in_python) == codes(in_sql)
    full = sorted(Dossier.objects.values_list("pk", flat=True))
    assert sorted(codes(in_python)) == full
