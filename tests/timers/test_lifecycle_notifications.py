"""The applicant hears of every step of the lifecycle that concerns them (issue 5 point 6), through the notification
kernel, each message saying what happened, what comes next and by when. Steps internal to the agency (assignment,
proposal, sending back, verification) are not announced."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from dossiers import workflow
from portal.models import Message
from tests.factories import AgencyFactory
from tests.timers.conftest import at, vn

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "notifications"


def told(province) -> list[str]:
    return list(Message.objects.filter(user=province.citizen).order_by("pk").values_list("event", flat=True))


def body(province, event: str) -> str:
    return Message.objects.filter(user=province.citizen, event=event).order_by("-pk").first().body


def test_every_notification_the_workflow_and_the_timers_send_has_its_three_texts():
    source = (Path(settings.BASE_DIR) / "dossiers" / "workflow.py").read_text()
    source += (Path(settings.BASE_DIR) / "dossiers" / "timers.py").read_text()
    from portal.permissions import ACTIONS

    events = set(re.findall(r'"((?:dossier|officer)\.[a-z_]+)"', source)) - set(ACTIONS)
    assert {"dossier.transferred", "dossier.overdue", "officer.overdue", "officer.daily_digest"} <= events
    for event in sorted(events):
        for part in ("subject", "email", "sms"):
            assert (TEMPLATES / f"{event}.{part}.txt").exists(), f"{event}.{part}.txt"


def test_the_main_path_tells_the_applicant_each_step_with_what_next_and_when(province):
    dossier = province.submitted(vn(2026, 11, 23, 9))
    assert "Bộ phận một cửa sẽ kiểm tra và trả lời chậm nhất lúc 09:00 ngày 25/11/2026" in body(
        province, "dossier.submitted"
    )

    with at(vn(2026, 11, 23, 10)):
        workflow.request_supplement(dossier, by=province.receiver, items=[{"item": "Tờ khai", "reason": "Thiếu"}])
    assert "bộ phận một cửa sẽ kiểm tra lại" in body(province, "dossier.supplement_requested")
    province.answer_supplement(dossier, vn(2026, 11, 23, 11))
    assert "Bộ phận một cửa sẽ kiểm tra lại chậm nhất lúc 11:00 25/11/2026" in body(
        province, "dossier.supplement_received"
    )

    with at(vn(2026, 11, 23, 14)):
        dossier = workflow.accept(dossier, by=province.receiver)
        dossier = workflow.assign(dossier, by=province.leader, to_user=province.specialist)
    assert "Hẹn trả kết quả: 14:00 ngày 27/11/2026" in body(province, "dossier.accepted")

    province.ask_supplement(dossier, vn(2026, 11, 25, 9))
    assert "Thời hạn giải quyết tạm dừng" in body(province, "dossier.supplement_requested")
    province.answer_supplement(dossier, vn(2026, 11, 25, 10))
    assert "Hẹn trả kết quả mới: 10:00 ngày 30/11/2026" in body(province, "dossier.supplement_received")

    with at(vn(2026, 11, 26, 9)):
        workflow.issue_apology(dossier, by=province.leader, reason="Chờ Sở Ngoại vụ", new_due_at=vn(2026, 12, 3, 9))
    assert "Hẹn trả kết quả mới: 09:00 ngày 03/12/2026" in body(province, "dossier.apology")

    province.propose(dossier, vn(2026, 12, 1, 10))
    province.approve(dossier, vn(2026, 12, 1, 11))
    text = body(province, "dossier.result_ready")
    assert "Ông/Bà nhận kết quả tại Trung tâm Phục vụ hành chính công tỉnh" in text
    assert "(ngày hẹn trả: 03/12/2026)" in text

    with at(vn(2026, 12, 1, 14)):
        workflow.notify_early_return(dossier, by=province.receiver, available_from=vn(2026, 12, 2, 7, 30))
        workflow.return_result(dossier, by=province.receiver, channel="counter", received_by_name="Huỳnh Văn An")
    assert "nhận kết quả từ 07:30 ngày 02/12/2026" in body(province, "dossier.early_return")
    assert "Mời Ông/Bà đánh giá mức độ hài lòng" in body(province, "dossier.returned")

    assert told(province) == [
        "dossier.submitted",
        "dossier.supplement_requested",
        "dossier.supplement_received",
        "dossier.accepted",
        "dossier.supplement_requested",
        "dossier.supplement_received",
        "dossier.apology",
        "dossier.result_ready",
        "dossier.early_return",
        "dossier.returned",
    ]


def test_an_inter_agency_transfer_tells_the_applicant_the_appointment_stands(province):
    """Liên thông (ND 61/2018 art 19.6–7): the dossier goes to another agency; nothing changes for the applicant."""
    other = AgencyFactory(code="000.00.12.H41", name="Sở Ngoại vụ", short_name="SNgV", parent=province.province)
    dossier = province.received(vn(2026, 11, 23, 9))
    with at(vn(2026, 11, 25, 11)):
        workflow.transfer(dossier, by=province.specialist, to_agency=other, note="Xác minh giấy tờ nước ngoài")
    text = body(province, "dossier.transferred")
    assert "đến Sở Ngoại vụ để phối hợp giải quyết theo quy trình liên thông" in text
    assert "Hẹn trả kết quả không thay đổi: 09:00 ngày 27/11/2026" in text
    assert "Ông/Bà không cần làm thêm thủ tục nào" in text


def test_endings_say_what_the_applicant_can_do_next(province):
    refused = province.submitted(vn(2026, 11, 23, 9))
    with at(vn(2026, 11, 23, 10)):
        workflow.refuse(refused, by=province.receiver, reasons="Không thuộc thẩm quyền của tỉnh")
    assert "nộp lại hồ sơ mới" in body(province, "dossier.refused")

    withdrawn = province.received(vn(2026, 11, 23, 9))
    with at(vn(2026, 11, 23, 11)):
        workflow.withdraw(withdrawn, by=province.citizen, reason="Không còn nhu cầu")
    assert "có thể nộp hồ sơ mới" in body(province, "dossier.withdrawn")

    stopped = province.received(vn(2026, 11, 23, 9))
    with at(vn(2026, 11, 23, 11)):
        workflow.stop(stopped, by=province.leader, reason="Người nộp không bổ sung trong thời hạn")
    text = body(province, "dossier.stopped")
    assert "Lý do: Người nộp không bổ sung trong thời hạn" in text
    assert "có thể nộp hồ sơ mới" in text and "0272 3 555 555" in text

    rejected = province.received(vn(2026, 11, 23, 9))
    with at(vn(2026, 11, 23, 15)):
        from dossiers.models import IssuedDocument

        draft = IssuedDocument.objects.create(dossier=rejected, kind="result_draft", sha256="0" * 64)
        workflow.propose(
            rejected, by=province.specialist, outcome="rejected", document=draft, note="Không đủ điều kiện"
        )
        letter = IssuedDocument.objects.create(dossier=rejected, kind="result", sha256="1" * 64)
        workflow.approve(rejected, by=province.leader, signed_result=letter)
    text = body(province, "dossier.rejected")
    assert "Ông/Bà nhận bản giấy của văn bản tại Trung tâm Phục vụ hành chính công tỉnh" in text
    assert "có quyền phản ánh, kiến nghị" in text


def test_an_overdue_dossier_tells_the_applicant_what_happens_next(province):
    dossier = province.received(vn(2026, 11, 23, 9))
    with at(vn(2026, 11, 28, 8)):
        workflow.mark_overdue(dossier)
    text = body(province, "dossier.overdue")
    assert "đã quá ngày hẹn trả kết quả (09:00 ngày 27/11/2026)" in text
    assert "phiếu xin lỗi và hẹn lại ngày trả kết quả" in text
    assert "Trung tâm Phục vụ hành chính công tỉnh, điện thoại 0272 3 555 555" in text
    sms = Message.objects.filter(user=province.citizen, event="dossier.overdue")
    assert [m.channel for m in sms] == ["email"]
