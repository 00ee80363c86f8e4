"""The citizen's draft and its submission (issue 4 points 2 and 5; Long An 30/2019 art 8–9; Bình Định 27/2020:
the portal checks automatically and acknowledges at once, saying when the dossier will officially be received)."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from dossiers import workflow
from dossiers.models import Dossier, DossierEvent, Status
from dossiers.services import attachments, submission
from portal.exceptions import InvalidTransition, NotAllowed, ValidationProblems
from portal.models import Message
from tests.submission.conftest import pdf_bytes, upload, vn

pytestmark = pytest.mark.django_db


def draft(world, **kwargs) -> Dossier:
    return submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen, **kwargs)


def complete(world, dossier: Dossier) -> Dossier:
    submission.dossier_save_answers(dossier=dossier, by=world.citizen, form_data=world.answers())
    dossier.refresh_from_db()
    attachments.attachments_add(
        dossier=dossier,
        component=world.birth_component,
        files=[upload("chung-sinh.pdf", pdf_bytes())],
        by=world.citizen,
    )
    return dossier


# --------------------------------------------------------------------------------------------- starting


def test_a_new_draft_is_prefilled_from_the_account(world):
    dossier = draft(world)
    assert dossier.status == Status.DRAFT and dossier.receiving_agency == world.desk
    assert dossier.form_data["ho_ten"] == "Nguyễn Văn An"
    assert dossier.form_data["so_dinh_danh"] == "080090001234"
    assert dossier.form_data["dien_thoai"] == "0912345678"
    assert dossier.form_data["noi_cu_tru"]["province"] == "80"
    assert dossier.form_data["noi_cu_tru"]["street"] == "12 Nguyễn Huệ"
    assert "ho_ten_tre" not in dossier.form_data


def test_a_procedure_below_level_3_takes_no_online_dossier(world):
    world.version.service_level = 2
    world.version.save()
    world.version.procedure.refresh_from_db()
    with pytest.raises(InvalidTransition, match="mức độ 2"):
        draft(world)


def test_a_receiving_agency_the_procedure_does_not_use_is_refused(world):
    with pytest.raises(ValidationProblems, match="không tiếp nhận"):
        draft(world, receiving_agency=world.justice)


# --------------------------------------------------------------------------------------------- answers


def bound(world, dossier, **values):
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data[f"eform-{key}"] = value
    return submission.eform_for(dossier, data=data)


def test_an_invalid_answer_is_kept_as_typed_in_the_draft(world):
    dossier = draft(world)
    form = bound(
        world,
        dossier,
        ho_ten="Nguyễn Văn An",
        so_dinh_danh="0800900",  # too short
        dien_thoai="0912345678",
        ngay_sinh_tre="31/02/2026",  # no such day
        ho_ten_tre="NGUYỄN MINH KHÔI",
        noi_cu_tru_province="80",
    )
    assert not form.is_valid()
    answers = submission.draft_answers(form)
    assert answers["so_dinh_danh"] == "0800900"
    assert answers["ngay_sinh_tre"] == "31/02/2026"
    assert answers["ho_ten_tre"] == "NGUYỄN MINH KHÔI"
    assert answers["noi_cu_tru"] == {"province": "80", "commune": "", "street": ""}
    assert answers["cam_doan"] is False
    submission.dossier_save_answers(dossier=dossier, by=world.citizen, form_data=answers)
    dossier.refresh_from_db()
    # Shown again exactly as typed
    again = submission.eform_for(dossier)
    assert again["so_dinh_danh"].value() == "0800900"
    assert again["ngay_sinh_tre"].value() == "31/02/2026"


def test_saving_the_same_answers_twice_writes_nothing(world):
    dossier = draft(world)
    before = Dossier.objects.get(pk=dossier.pk).updated_at
    submission.dossier_save_answers(dossier=dossier, by=world.citizen, form_data=dossier.form_data)
    assert Dossier.objects.get(pk=dossier.pk).updated_at == before


def test_only_the_applicant_saves_answers(world):
    dossier = draft(world)
    with pytest.raises(NotAllowed):
        submission.dossier_save_answers(dossier=dossier, by=world.other, form_data={"ho_ten": "X"})


# --------------------------------------------------------------------------------------------- submission


@pytest.mark.parametrize(
    ("submitted", "received", "desk_due", "why"),
    [
        # 8 working hours from Monday's opening is the end of Monday, i.e. Tuesday's opening (DESIGN §5).
        (vn(2026, 3, 13, 17, 30), vn(2026, 3, 16, 7, 30), vn(2026, 3, 17, 7, 30), "Friday after 17:00 → Monday 07:30"),
        (vn(2026, 3, 12, 9, 15), vn(2026, 3, 12, 9, 15), vn(2026, 3, 13, 9, 15), "Thursday 09:15, inside hours"),
        (vn(2026, 3, 14, 10, 0), vn(2026, 3, 16, 7, 30), vn(2026, 3, 17, 7, 30), "Saturday → Monday 07:30"),
        (vn(2026, 3, 12, 12, 0), vn(2026, 3, 12, 13, 0), vn(2026, 3, 13, 13, 0), "lunch break → 13:00"),
    ],
    ids=["fri-13-3-2026-17h30", "thu-12-3-2026-09h15", "sat-14-3-2026", "thu-12-3-2026-noon"],
)
def test_the_citizen_is_told_at_once_when_the_dossier_counts_as_received(world, at, submitted, received, desk_due, why):
    """Long An 30/2019 art 9.1: after 17:00 the dossier is received the next working day; the desk then has
    8 working hours to accept or ask for a supplement (Bình Định 27/2020)."""
    dossier = complete(world, draft(world))
    with at(submitted):
        receipt = submission.dossier_submit(dossier=dossier, by=world.citizen)
    assert receipt.submitted_at == submitted
    assert receipt.receipt_moment == received, why
    assert receipt.desk_due_at == desk_due
    assert receipt.deferred == (received > submitted)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    message = Message.objects.get(event="dossier.submitted", user=world.citizen, channel="email")
    assert f"{received:%H:%M} ngày {received:%d/%m/%Y}" in message.body


def test_a_failed_technical_check_lists_every_problem_and_submits_nothing(world, at):
    dossier = draft(world)
    submission.dossier_save_answers(
        dossier=dossier, by=world.citizen, form_data=world.answers(so_dinh_danh="123", ho_ten_tre="")
    )
    with at(vn(2026, 3, 12, 9)), pytest.raises(ValidationProblems) as caught:
        submission.dossier_submit(dossier=dossier, by=world.citizen)
    problems = caught.value.problems
    assert any("Số định danh cá nhân" in p for p in problems)
    assert any("Họ, chữ đệm, tên người được khai sinh" in p for p in problems)
    assert any("Thiếu thành phần hồ sơ bắt buộc: Giấy chứng sinh" in p for p in problems)
    # The form component is the e-form itself: it is not asked as a file.
    assert not any("Tờ khai đăng ký khai sinh" in p for p in problems)
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT and dossier.submitted_at is None
    assert not DossierEvent.objects.filter(dossier=dossier, action="submit").exists()
    assert not Message.objects.filter(event="dossier.submitted").exists()


def test_an_account_below_the_required_assurance_level_cannot_submit(world, at):
    world.version.required_assurance_level = 2
    world.version.save()
    world.citizen.assurance_level = 1
    world.citizen.save()
    dossier = complete(world, draft(world))
    with pytest.raises(ValidationProblems) as caught:
        submission.dossier_submit(dossier=dossier, by=world.citizen)
    assert any("mức 2" in p for p in caught.value.problems)


def test_the_result_channel_is_chosen_on_the_draft_only(world, at):
    dossier = complete(world, draft(world))
    submission.dossier_set_result_channel(dossier=dossier, by=world.citizen, channel="postal")
    assert Dossier.objects.get(pk=dossier.pk).result_channel == "postal"
    with pytest.raises(ValidationProblems):  # level 3: no electronic result
        submission.dossier_set_result_channel(dossier=dossier, by=world.citizen, channel="online")
    with at(vn(2026, 3, 12, 9)):
        submission.dossier_submit(dossier=dossier, by=world.citizen)
    dossier.refresh_from_db()
    with pytest.raises(InvalidTransition):
        submission.dossier_set_result_channel(dossier=dossier, by=world.citizen, channel="counter")


# --------------------------------------------------------------------------------------------- supplement loop


def submitted_and_asked(world, at):
    dossier = complete(world, draft(world))
    with at(vn(2026, 3, 12, 9)):
        submission.dossier_submit(dossier=dossier, by=world.citizen)
    with at(vn(2026, 3, 12, 10)):
        workflow.request_supplement(
            dossier,
            by=world.receiver,
            items=[{"item": "Giấy chứng sinh bản rõ nét", "reason": "Bản chụp bị mờ, không đọc được số."}],
        )
    dossier.refresh_from_db()
    return dossier


def test_a_supplement_adds_a_version_and_keeps_the_history(world, at):
    dossier = submitted_and_asked(world, at)
    assert dossier.status == Status.INTAKE_SUPPLEMENT
    first = dossier.attachments.get()
    assert attachments.current_version(dossier) == 2
    with pytest.raises(InvalidTransition, match="lần nộp trước"):
        attachments.attachment_remove(attachment=first, by=world.citizen)
    with at(vn(2026, 3, 12, 14)):
        added = attachments.attachments_add(
            dossier=dossier,
            component=world.birth_component,
            files=[upload("chung-sinh-ro.pdf", pdf_bytes(text="ro net"))],
            by=world.citizen,
        )
        submission.dossier_save_answers(
            dossier=dossier, by=world.citizen, form_data={**dossier.form_data, "ho_ten_tre": "NGUYỄN MINH KHANG"}
        )
    assert added[0].version == 2
    amended = DossierEvent.objects.get(dossier=dossier, action="amend_form")
    assert amended.data["fields"] == ["ho_ten_tre"]
    assert amended.data["before"] == {"ho_ten_tre": "NGUYỄN MINH KHÔI"}
    assert amended.note == "Họ, chữ đệm, tên người được khai sinh"
    with at(vn(2026, 3, 12, 15)):
        submission.dossier_answer_supplement(dossier=dossier, by=world.citizen, note="Đã tải bản rõ nét.")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert sorted(dossier.attachments.values_list("version", flat=True)) == [1, 2]
    assert [e.action for e in dossier.events.order_by("pk")] == [
        "create",
        "submit",
        "request_supplement",
        "amend_form",
        "answer_supplement",
    ]


def test_a_submitted_dossier_is_not_edited(world, at):
    dossier = complete(world, draft(world))
    with at(vn(2026, 3, 12, 9)):
        submission.dossier_submit(dossier=dossier, by=world.citizen)
    dossier.refresh_from_db()
    with pytest.raises(InvalidTransition):
        submission.dossier_save_answers(dossier=dossier, by=world.citizen, form_data=world.answers(ho_ten="X"))
    with pytest.raises(InvalidTransition):
        attachments.attachments_add(
            dossier=dossier, component=world.other_component, files=[upload("x.pdf", pdf_bytes())], by=world.citizen
        )


def test_withdrawal_needs_a_reason_and_keeps_the_history(world, at):
    dossier = complete(world, draft(world))
    with at(vn(2026, 3, 12, 9)):
        submission.dossier_submit(dossier=dossier, by=world.citizen)
    with pytest.raises(ValidationProblems):
        submission.dossier_withdraw(dossier=dossier, by=world.citizen, reason="  ")
    with pytest.raises(NotAllowed):
        submission.dossier_withdraw(dossier=dossier, by=world.other, reason="Không phải hồ sơ của tôi")
    submission.dossier_withdraw(dossier=dossier, by=world.citizen, reason="Đã nộp nhầm thủ tục")
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.events.filter(action="withdraw", note="Đã nộp nhầm thủ tục").exists()
