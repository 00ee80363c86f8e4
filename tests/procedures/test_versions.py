"""Publishing with history: a published version never changes, a revision is a new version with its own effective
date, and ``version_in_force(procedure, at)`` answers for any moment (a dossier keeps the rules in force on the day
it was received — ND 61/2018 art 19; regulations.md §0)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portal import clock
from portal.exceptions import InvalidTransition, NotAllowed, ValidationProblems
from portal.models import AuditEntry
from procedures import services
from procedures.models import Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def history(make_draft):
    """1.001193 published three times: v1 from Tue 1/7/2025, v2 from Thu 1/1/2026 10:00, v3 from Mon 1/6/2026."""
    clock.freeze(at(2025, 6, 20, 9, 0))
    v1 = make_draft(processing_time_value=Decimal("5"))
    services.procedure_publish(version=v1, by=None, effective_from=date(2025, 7, 1), change_note="Công bố lần đầu")
    v2 = services.procedure_start_revision(procedure=v1.procedure, by=None)
    services.version_update(version=v2, by=None, processing_time_value=Decimal("3"))
    services.procedure_publish(
        version=v2, by=None, effective_from=at(2026, 1, 1, 10, 0), change_note="Rút ngắn thời hạn"
    )
    v3 = services.procedure_start_revision(procedure=v1.procedure, by=None)
    services.version_update(version=v3, by=None, processing_time_value=Decimal("2"), supplement_policy="resume")
    services.procedure_publish(version=v3, by=None, effective_from=date(2026, 6, 1), change_note="Tiếp tục khi bổ sung")
    return v1.procedure


@pytest.mark.parametrize(
    ("moment", "number"),
    [
        pytest.param(date(2025, 7, 1), 1, id="tue-2025-07-01-first-day-of-v1"),
        pytest.param(at(2025, 12, 31, 23, 59), 1, id="wed-2025-12-31-last-minute-of-v1"),
        pytest.param(date(2026, 1, 1), 1, id="thu-2026-01-01-a-date-is-its-first-moment-v2-starts-at-10h"),
        pytest.param(at(2026, 1, 1, 9, 59), 1, id="thu-2026-01-01-09h59-still-v1"),
        pytest.param(at(2026, 1, 1, 10, 0), 2, id="thu-2026-01-01-10h00-v2"),
        pytest.param(date(2026, 2, 13), 2, id="fri-2026-02-13-before-tet-v2"),
        pytest.param(at(2026, 5, 31, 23, 59), 2, id="sun-2026-05-31-last-minute-of-v2"),
        pytest.param(date(2026, 6, 1), 3, id="mon-2026-06-01-v3"),
        pytest.param(date(2030, 1, 1), 3, id="far-future-latest"),
    ],
)
def test_version_in_force_on_each_date(history, moment, number):
    assert services.version_in_force(history, moment).number == number


def test_no_version_before_the_first_effective_date(history):
    with pytest.raises(services.NoVersionInForce, match="chưa có phiên bản nào có hiệu lực vào 30/06/2025"):
        services.version_in_force(history, date(2025, 6, 30))


def test_a_dossier_keeps_its_rules_while_the_catalogue_moves_on(history):
    """The version a dossier received on 15/3/2026 had 3 working days and restart; today's has 2 and resume."""
    received = services.version_in_force(history, at(2026, 3, 15, 8, 0))
    clock.freeze(at(2026, 7, 1, 8, 0))
    services.refresh_due_procedures()
    today = services.version_in_force(history)
    assert (received.processing_time_value, received.supplement_policy) == (Decimal("3"), "restart")
    assert (today.processing_time_value, today.supplement_policy) == (Decimal("2"), "resume")


def test_published_versions_never_change(history):
    v1 = history.versions.get(number=1)
    with pytest.raises(InvalidTransition, match="đã công bố nên không sửa được"):
        services.version_update(version=v1, by=None, name="Tên khác")
    with pytest.raises(InvalidTransition, match="Chỉ xoá được bản nháp"):
        services.draft_discard(version=v1, by=None)


def test_a_scheduled_version_takes_over_when_its_day_comes(history):
    clock.freeze(at(2026, 5, 31, 12, 0))
    services.refresh_due_procedures()
    history.refresh_from_db()
    assert history.current_version.number == 2
    assert history.next_version_at == at(2026, 6, 1, 0, 0)
    assert list(history.versions.order_by("number").values_list("status", flat=True)) == [
        "superseded",
        "published",
        "published",
    ]
    clock.freeze(at(2026, 6, 1, 0, 1))
    assert services.refresh_due_procedures() == 1
    history.refresh_from_db()
    assert history.current_version.number == 3
    assert history.next_version_at is None
    assert history.versions.get(number=2).status == "superseded"
    assert services.refresh_due_procedures() == 0  # idempotent


def test_the_catalogue_row_copies_the_version_in_force(make_draft):
    draft = make_draft(keywords="giấy khai sinh, con mới sinh")
    services.procedure_publish(version=draft, by=None)
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.current_version == draft
    assert (procedure.name, procedure.service_level, procedure.administrative_level) == (
        "Đăng ký khai sinh",
        3,
        "commune",
    )
    assert procedure.search_name == "dang ky khai sinh"
    assert " con moi sinh " in procedure.search_text
    assert " 001193 " in procedure.search_text


def test_effective_dates_must_move_forward(history):
    draft = services.procedure_start_revision(procedure=history, by=None)
    with pytest.raises(ValidationProblems, match=r"phải sau ngày hiệu lực của phiên bản 3 \(01/06/2026 00:00\)"):
        services.procedure_publish(version=draft, by=None, effective_from=date(2026, 6, 1))
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_one_draft_at_a_time_and_revision_returns_it(history):
    first = services.procedure_start_revision(procedure=history, by=None)
    again = services.procedure_start_revision(procedure=history, by=None)
    assert first == again
    assert first.number == 4


def test_a_revision_copies_every_part(make_draft, agencies):
    draft = make_draft(
        fees=[{"label": "Lệ phí", "amount": 8000}],
        service_level=4,
        requires_payment=True,
    )
    services.version_update(
        version=draft,
        by=None,
        route_steps=[
            {"name": "Tiếp nhận", "role": "receiver", "department": agencies["001.01.00.H41"], "share_percent": 10},
            {"name": "Xử lý", "role": "specialist", "share_percent": 90},
        ],
    )
    services.procedure_publish(version=draft, by=None)
    revision = services.procedure_start_revision(procedure=draft.procedure, by=None)
    assert revision.status == "draft" and revision.number == 2
    for name in services.CONTENT_FIELDS:
        assert getattr(revision, name) == getattr(draft, name), name
    assert list(revision.receiving_agencies.all()) == list(draft.receiving_agencies.all())
    assert [c.name for c in revision.components.all()] == ["Tờ khai đăng ký khai sinh"]
    assert [(s.order, s.role, s.share_percent) for s in revision.route_steps.all()] == [
        (1, "receiver", Decimal("10")),
        (2, "specialist", Decimal("90")),
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"eform_schema": {}}, "cần có biểu mẫu điện tử"),
        ({"processing_time_value": Decimal("0")}, "Thời hạn giải quyết phải lớn hơn 0."),
        (
            {"service_level": 4, "fees": [{"label": "Lệ phí", "amount": 100000}]},
            "có thu phí, lệ phí phải cho phép thanh toán trực tuyến",
        ),
    ],
)
def test_publication_refuses_an_incomplete_draft_and_says_why(make_draft, change, problem):
    draft = make_draft()
    ProcedureVersion.objects.filter(pk=draft.pk).update(**change)
    draft.refresh_from_db()
    with pytest.raises(ValidationProblems) as refused:
        services.procedure_publish(version=draft, by=None)
    assert any(problem in p for p in refused.value.problems), refused.value.problems
    assert not Procedure.objects.published().exists()


def test_route_shares_must_add_up_to_the_whole_time_limit(make_draft):
    draft = make_draft()
    services.version_update(
        version=draft,
        by=None,
        route_steps=[
            {"name": "Tiếp nhận", "role": "receiver", "share_percent": 10},
            {"name": "Xử lý", "role": "specialist", "share_percent": 80},
        ],
    )
    with pytest.raises(ValidationProblems) as refused:
        services.procedure_publish(version=draft, by=None)
    assert "Tổng tỷ lệ thời gian của các bước xử lý phải bằng 100% (hiện là 90%)." in refused.value.problems


def test_an_invalid_e_form_is_refused_when_saved(make_draft):
    draft = make_draft()
    bad = {"fields": [{"name": "ngay_sinh", "type": "date", "label": "Ngày sinh", "min_length": 2}]}
    with pytest.raises(ValidationProblems) as refused:
        services.version_update(version=draft, by=None, eform_schema=bad)
    assert "eform_schema: Trường 'ngay_sinh': kiểu 'ngày' không có quy tắc 'min_length'" in refused.value.problems
    draft.refresh_from_db()
    assert draft.eform_schema["fields"][0]["name"] == "ho_ten"


def test_agency_administrators_manage_only_their_agencys_procedures(make_draft, agency_admin):
    justice = make_draft("2.000488", agency_code="000.00.04.H41", by=agency_admin, administrative_level="province")
    services.procedure_publish(version=justice, by=agency_admin)
    assert AuditEntry.objects.filter(actor=agency_admin, data__what="procedure.publish").count() == 1
    with pytest.raises(NotAllowed):
        make_draft("1.001193", agency_code="001.00.00.H41", by=agency_admin)
    commune = make_draft("1.001193", agency_code="001.00.00.H41")
    with pytest.raises(NotAllowed):
        services.procedure_publish(version=commune, by=agency_admin)
    with pytest.raises(NotAllowed):
        services.version_update(version=commune, by=agency_admin, name="x")


def test_discarding_the_only_draft_removes_the_procedure(make_draft):
    draft = make_draft()
    services.draft_discard(version=draft, by=None)
    assert not Procedure.objects.filter(code="1.001193").exists()


def test_the_beat_task_brings_scheduled_versions_into_force(history):
    from procedures.tasks import refresh_current_versions

    clock.freeze(at(2026, 6, 1, 0, 1))
    assert refresh_current_versions() == 1
    history.refresh_from_db()
    assert history.current_version.number == 3
