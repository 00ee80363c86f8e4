"""The calendar in force (portal.selectors.calendar_for), the decreed overrides and their admin, on PostgreSQL.

DESIGN §5: overrides are data with an effective date, optionally per agency (and its sub-tree); desk hours are the
agency's own or its nearest ancestor's; a calendar is cached per agency, date and calendar version.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.calendar_decrees import DECREES, DecreedDay, load_decreed_overrides
from portal.models import Agency, CalendarOverride, User
from portal.selectors import VERSION_KEY, build_calendar, calendar_for, calendar_version
from portal.workdays import TZ, DayKind
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

OFF, WORK = CalendarOverride.Kind.DAY_OFF, CalendarOverride.Kind.WORKING_DAY


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def tree():
    """Tỉnh → Sở Tư pháp → Phòng Hộ tịch; and a sibling department."""
    province = AgencyFactory(name="UBND tỉnh Long An", kind=Agency.Kind.PROVINCE)
    justice = AgencyFactory(name="Sở Tư pháp", parent=province)
    civil = AgencyFactory(name="Phòng Hộ tịch", parent=justice, kind=Agency.Kind.DIVISION)
    health = AgencyFactory(name="Sở Y tế", parent=province)
    return province, justice, civil, health


def override(
    day: date, kind=OFF, *, agency=None, effective_from=date(2025, 1, 1), name="Ngày nghỉ thử"
) -> CalendarOverride:
    return CalendarOverride.objects.create(
        date=day, kind=kind, name=name, agency=agency, effective_from=effective_from, legal_basis="Quyết định thử"
    )


def test_province_wide_overrides_apply_only_once_the_decision_is_effective():
    """An override counts on the dates its decision is in force (``effective_from``)."""
    override(date(2026, 9, 4), effective_from=date(2026, 8, 1), name="Nghỉ bù lễ hội")
    before = calendar_for(None, as_of=date(2026, 7, 31))
    after = calendar_for(None, as_of=date(2026, 8, 1))
    assert before.is_working_day(date(2026, 9, 4))
    assert not after.is_working_day(date(2026, 9, 4))
    assert after.day_info(date(2026, 9, 4)).name == "Nghỉ bù lễ hội"


def test_agency_overrides_cover_its_subtree_only(tree):
    province, justice, civil, health = tree
    override(date(2026, 3, 3), agency=justice, name="Nghỉ của Sở Tư pháp")
    assert not calendar_for(justice).is_working_day(date(2026, 3, 3))
    assert not calendar_for(civil).is_working_day(date(2026, 3, 3))
    assert calendar_for(health).is_working_day(date(2026, 3, 3))
    assert calendar_for(province).is_working_day(date(2026, 3, 3))
    assert calendar_for(None).is_working_day(date(2026, 3, 3))


def test_the_nearer_agency_wins_over_the_province(tree):
    _province, justice, civil, _health = tree
    override(date(2026, 3, 3), OFF, name="Nghỉ toàn tỉnh")
    override(date(2026, 3, 3), WORK, agency=justice, name="Sở Tư pháp vẫn làm việc")
    assert not calendar_for(None).is_working_day(date(2026, 3, 3))
    assert calendar_for(civil).day_info(date(2026, 3, 3)).name == "Sở Tư pháp vẫn làm việc"


def test_desk_hours_come_from_the_agency_or_its_nearest_ancestor(tree, settings):
    _province, justice, civil, health = tree
    settings.WORKDAY_INTERVALS = ((time(7, 0), time(11, 0)), (time(13, 0), time(17, 0)))
    Agency.objects.filter(pk=justice.pk).update(desk_hours=[["07:30", "11:30"], ["13:30", "17:30"]])
    civil.refresh_from_db()
    assert calendar_for(civil).intervals == ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 30)))
    assert calendar_for(health).intervals == ((time(7, 0), time(11, 0)), (time(13, 0), time(17, 0)))
    assert calendar_for(None).opening_time == time(7, 0)


def test_weekend_and_cutoff_come_from_settings(settings):
    settings.WORKDAY_CUTOFF = time(16, 30)
    settings.WORKDAY_WEEKEND = (6,)  # a desk open on Saturdays
    cal = calendar_for(None, as_of=date(2026, 3, 1))
    assert cal.receipt_moment(at(2026, 3, 3, 16, 45)) == at(2026, 3, 4, 7, 30)
    assert cal.is_working_day(date(2026, 3, 7))


def test_a_calendar_is_cached_and_renewed_when_an_override_changes():
    first = calendar_for(None)
    assert calendar_for(None) is first
    row = override(date(2026, 3, 3), name="Nghỉ đột xuất")
    second = calendar_for(None)
    assert second is not first and not second.is_working_day(date(2026, 3, 3))
    row.delete()
    assert calendar_for(None).is_working_day(date(2026, 3, 3))


def test_the_shared_version_is_renewed_after_commit(django_capture_on_commit_callbacks):
    """Every process (web, worker, beat) reads the version from the shared cache, so all drop the old calendar."""
    before = calendar_version()
    with django_capture_on_commit_callbacks(execute=True):
        override(date(2026, 3, 3))
    assert cache.get(VERSION_KEY) != before


def test_an_agency_change_renews_calendars(tree):
    _province, justice, _civil, _health = tree
    assert calendar_for(justice).closing_time == time(17, 0)
    justice.desk_hours = [["08:00", "12:00"], ["13:00", "16:00"]]
    justice.save()
    assert calendar_for(justice).closing_time == time(16, 0)


def test_agency_desk_hours_are_checked_with_a_vietnamese_message(tree):
    _province, justice, _civil, _health = tree
    justice.desk_hours = [["11:30", "07:30"]]
    with pytest.raises(ValidationError) as caught:
        justice.clean()
    assert "giờ kết thúc (07:30) phải sau giờ bắt đầu (11:30)" in str(caught.value.message_dict["desk_hours"])


def test_build_calendar_can_leave_an_override_out():
    row = override(date(2026, 3, 3))
    assert not build_calendar(None, as_of=date(2026, 12, 1)).is_working_day(date(2026, 3, 3))
    assert build_calendar(None, as_of=date(2026, 12, 1), exclude=(row.pk,)).is_working_day(date(2026, 3, 3))


# ------------------------------------------------------------------------------------------------ decrees


def test_the_loader_adds_only_what_the_holidays_library_lacks_and_is_idempotent():
    """holidays 0.109 knows Tết, the 2025 and 2026 swaps and 24/11 but not the New Year 2026 swap
    (Công văn 12729/VPCP-KGVX): Friday 2/1 off, worked on Saturday 10/1."""
    lines: list[str] = []
    created = load_decreed_overrides(lines.append)
    assert sorted((row.date, row.kind) for row in created) == [(date(2026, 1, 2), OFF), (date(2026, 1, 10), WORK)]
    assert all(row.agency_id is None and "12729/VPCP-KGVX" in row.legal_basis for row in created)
    assert created[0].effective_from == date(2025, 12, 31)
    assert any("22/08/2026" in line and "đã có trong thư viện holidays" in line for line in lines)
    assert load_decreed_overrides(lines.append) == []
    assert CalendarOverride.objects.count() == 2
    cal = calendar_for(None)
    assert cal.day_info(date(2026, 1, 10)).kind == DayKind.MAKE_UP
    assert not cal.is_working_day(date(2026, 1, 2))


def test_the_loader_leaves_an_administrators_different_decision_alone():
    override(date(2026, 1, 10), OFF, name="Quyết định riêng của tỉnh")
    lines: list[str] = []
    created = load_decreed_overrides(lines.append)
    assert [row.date for row in created] == [date(2026, 1, 2)]
    assert CalendarOverride.objects.get(date=date(2026, 1, 10)).name == "Quyết định riêng của tỉnh"
    assert any("giữ nguyên" in line for line in lines)


def test_a_decree_missing_from_the_library_is_stored_with_its_basis():
    decree = DecreedDay(date(2027, 4, 29), OFF, "Nghỉ hoán đổi thử", "Thông báo thử 1/2027", date(2026, 11, 1))
    (row,) = load_decreed_overrides(lambda line: None, decrees=[decree])
    assert (row.date, row.name, row.legal_basis, row.effective_from) == (
        date(2027, 4, 29),
        "Nghỉ hoán đổi thử",
        "Thông báo thử 1/2027",
        date(2026, 11, 1),
    )


def test_every_decree_names_its_basis_and_was_decided_before_the_day():
    assert DECREES
    for decree in DECREES:
        assert decree.legal_basis and decree.name
        assert decree.decided_on <= decree.day


# ------------------------------------------------------------------------------------------------ admin


@pytest.fixture
def admin_client_vi(client):
    admin = User.objects.create_superuser("quantri@longan.gov.vn", "mat-khau-quan-tri-123")
    client.force_login(admin)
    return client


def test_the_admin_preview_shows_the_year_with_holiday_names(admin_client_vi, tree):
    _province, justice, _civil, _health = tree
    override(date(2026, 3, 3), agency=justice, name="Nghỉ của Sở Tư pháp")
    url = reverse("admin:portal_calendaroverride_preview")
    response = admin_client_vi.get(url, {"year": 2026, "agency": justice.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lịch làm việc năm 2026" in html
    assert "Giao thừa Tết Nguyên Đán" in html
    assert "Nghỉ của Sở Tư pháp" in html
    assert "248 ngày làm việc" in html  # 249 in 2026, minus the agency's day off
    assert 'class="day day--make_up"' in html
    changelist = admin_client_vi.get(reverse("admin:portal_calendaroverride_changelist"))
    assert url in changelist.content.decode()


ADMIN_FORM = [
    pytest.param("2026-03-08", OFF, "đã là ngày nghỉ (nghỉ cuối tuần)", id="day-off-on-a-sunday"),
    pytest.param("2026-02-17", OFF, "đã là ngày nghỉ (Tết Nguyên Đán)", id="day-off-on-tet"),
    pytest.param("2026-03-04", WORK, "đã là ngày làm việc", id="working-day-on-a-wednesday"),
    pytest.param("2026-08-22", WORK, "đã là ngày làm việc", id="working-day-on-make-up-saturday"),
]


@pytest.mark.parametrize(("day", "kind", "message"), ADMIN_FORM)
def test_the_admin_form_refuses_an_override_that_changes_nothing(admin_client_vi, day, kind, message):
    response = admin_client_vi.post(
        reverse("admin:portal_calendaroverride_add"),
        {"date": day, "kind": kind, "name": "Thử", "legal_basis": "", "agency": "", "effective_from": "2026-01-01"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_the_admin_form_saves_a_real_change_and_refuses_a_duplicate(admin_client_vi):
    data = {
        "date": "2026-03-06",
        "kind": OFF,
        "name": "Nghỉ lễ hội địa phương",
        "legal_basis": "Quyết định 1/QĐ-UBND",
        "agency": "",
        "effective_from": "2026-02-01",
    }
    response = admin_client_vi.post(reverse("admin:portal_calendaroverride_add"), data)
    assert response.status_code == 302
    row = CalendarOverride.objects.get()
    assert row.created_by.email == "quantri@longan.gov.vn"
    again = admin_client_vi.post(reverse("admin:portal_calendaroverride_add"), data)
    assert "đã có một điều chỉnh cho cùng phạm vi" in again.content.decode()
    edit = admin_client_vi.post(reverse("admin:portal_calendaroverride_change", args=[row.pk]), data)
    assert edit.status_code == 302  # the row itself is not a duplicate of itself
