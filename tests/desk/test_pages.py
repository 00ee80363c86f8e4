"""The officers' pages wired to the services: each action from its form to the dossier's new state, the papers they
print, htmx partials, and refusals shown on the page (never a 500)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossiers.models import Dossier, DossierEvent, IssuedDocument, Status
from tests.desk.conftest import vn
from tests.documents.pdftools import decode_qr, first_page_png, pdf_text

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"dossiers:{name}", args=args)


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_desk_queue_lists_the_agencys_online_dossiers_awaiting_the_check(world, at, client_of):
    world.version.receiving_agencies.add(world.other)
    with at(vn(2026, 11, 23, 9)):  # Monday 23/11/2026 09:00
        mine = world.submitted()
        other_desk = world.submitted(receiving_agency=world.other)
        response = client_of(world.receiver).get(url("desk_queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"/mot-cua/ho-so/{mine.pk}/" in page
    assert f"/mot-cua/ho-so/{other_desk.pk}/" not in page
    assert "Còn 8 giờ làm việc" in page  # the desk's 8 working hours, untouched


def test_an_htmx_request_gets_only_the_results_partial(world, at, client_of):
    with at(vn(2026, 11, 23, 9)):
        dossier = world.submitted()
        full = client_of(world.receiver).get(url("desk_queue"))
        partial = client_of(world.receiver).get(url("desk_queue"), HTTP_HX_REQUEST="true")
    assert "<html" in full.content.decode()
    body = partial.content.decode()
    assert "<html" not in body and 'id="results"' in body and f"/mot-cua/ho-so/{dossier.pk}/" in body
    assert "HX-Request" in partial["Vary"]


def test_accepting_from_the_page_gives_a_code_and_a_printable_receipt_with_the_lookup_qr(
    world, at, client_of, tmp_path
):
    with at(vn(2026, 11, 23, 9)):
        dossier = world.submitted()
        client = client_of(world.receiver)
        response = client.post(url("desk_accept", dossier.pk))
        assert response.status_code == 302
        dossier.refresh_from_db()
        assert dossier.status == Status.RECEIVED
        assert dossier.code == "000.00.01.H41-261123-0001"
        page = client.get(url("desk_dossier", dossier.pk)).content.decode()
        assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page
        receipt = client.get(url("desk_paper", dossier.pk, "mau01") + "?tai=1")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert "attachment" in receipt["Content-Disposition"]
    pdf = content(receipt)
    text = pdf_text(pdf)
    assert dossier.code in text
    assert decode_qr(first_page_png(pdf, tmp_path / "mau01.png")) == [
        f"https://dichvucong.longan.gov.vn/tra-cuu/{dossier.code}/?k={dossier.lookup_secret}"
    ]
    # Stored with the dossier, and a reprint is the same document.
    again = client.get(url("desk_paper", dossier.pk, "mau01"))
    assert content(again) == pdf
    assert IssuedDocument.objects.filter(dossier=dossier, kind="mau01").count() == 1


def test_a_supplement_request_without_a_reason_is_refused_on_the_page_and_changes_nothing(world, at, client_of):
    with at(vn(2026, 11, 23, 9)):
        dossier = world.submitted()
        response = client_of(world.receiver).post(
            url("desk_supplement", dossier.pk),
            {
                "items-TOTAL_FORMS": "3",
                "items-INITIAL_FORMS": "0",
                "items-0-item": "Tờ khai",
                "items-0-reason": "",
                "note": "",
            },
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mỗi nội dung cần bổ sung phải có lý do." in page
    assert 'value="Tờ khai"' in page  # the form comes back as typed
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert not dossier.supplement_requests.exists()


def test_the_add_row_button_grows_the_supplement_list_without_javascript(world, at, client_of):
    with at(vn(2026, 11, 23, 9)):
        dossier = world.submitted()
        response = client_of(world.receiver).post(
            url("desk_supplement", dossier.pk),
            {"items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-0-item": "Tờ khai", "add_row": "1"},
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="items-3-item"' in page and 'value="Tờ khai"' in page
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_supplement_at_intake_lists_every_item_with_its_reason_on_mau_02(world, at, client_of):
    with at(vn(2026, 11, 23, 9)):
        dossier = world.submitted()
        client = client_of(world.receiver)
        response = client.post(
            url("desk_supplement", dossier.pk),
            {
                "items-TOTAL_FORMS": "3",
                "items-INITIAL_FORMS": "0",
                "items-0-item": "Tờ khai",
                "items-0-reason": "Thiếu chữ ký của người yêu cầu",
                "items-1-item": "Bản sao giấy khai sinh",
                "items-1-reason": "Bản chụp mờ, không đọc được",
                "note": "Bổ sung trực tuyến trên Cổng.",
            },
        )
        assert response.status_code == 302
        pdf = content(client.get(url("desk_paper", dossier.pk, "mau02")))
    dossier.refresh_from_db()
    assert dossier.status == Status.INTAKE_SUPPLEMENT
    text = pdf_text(pdf)
    for words in ("Thiếu chữ ký của người yêu cầu", "Bản sao giấy khai sinh", "Bản chụp mờ, không đọc được"):
        assert words in text


def test_refusal_prints_mau_03_with_the_reasons(world, at, client_of):
    with at(vn(2026, 11, 23, 9)):
        dossier = world.submitted()
        client = client_of(world.receiver)
        response = client.post(
            url("desk_refuse", dossier.pk),
            {"reasons": "Hồ sơ không thuộc thẩm quyền giải quyết\nĐã giải quyết ở hồ sơ khác"},
        )
        assert response.status_code == 302
        pdf = content(client.get(url("desk_paper", dossier.pk, "mau03")))
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    text = pdf_text(pdf)
    assert "Hồ sơ không thuộc thẩm quyền giải quyết" in text and "Đã giải quyết ở hồ sơ khác" in text


def test_an_action_on_a_dossier_another_officer_already_moved_shows_why_not_a_server_error(world, at, client_of):
    """Two officers on one dossier: the second click is refused with a clear message (409), and the page shows the
    dossier as it now is."""
    other_receiver = world.receiver.__class__.objects.create_user(
        email="motcua2@longan.gov.vn", password="x", kind="officer", full_name="Cán bộ Hai"
    )
    world.receiver.posts.model.objects.create(user=other_receiver, agency=world.desk, role="receiver")
    with at(vn(2026, 11, 23, 9)):
        dossier = world.submitted()
        first = client_of(world.receiver).post(url("desk_accept", dossier.pk))
        second = client_of(other_receiver).post(url("desk_accept", dossier.pk))
    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "Không thể thực hiện “Tiếp nhận hồ sơ” khi hồ sơ đang ở trạng thái “Đã tiếp nhận”." in page
    assert 'role="alert"' in page
    assert DossierEvent.objects.filter(dossier=dossier, action="accept").count() == 1


def test_the_whole_path_from_the_desk_to_the_signed_result_handed_back(world, at, client_of, certificates):
    with at(vn(2026, 11, 23, 9)):
        dossier = world.submitted()
        client_of(world.receiver).post(url("desk_accept", dossier.pk))
    with at(vn(2026, 11, 23, 10)):
        leader = client_of(world.leader)
        worklist = leader.get(url("desk_worklist"))
        assert f"/mot-cua/ho-so/{dossier.pk}/" in worklist.content.decode()
        assert leader.post(url("desk_assign", dossier.pk), {"to_user": world.specialist.pk}).status_code == 302
    with at(vn(2026, 11, 25, 9)):  # Tuesday 24/11/2026 is Vietnam Culture Day, a day off
        specialist = client_of(world.specialist)
        assert (
            specialist.post(
                url("desk_work", dossier.pk), {"kind": "verify", "note": "Đã đối chiếu bản chính.", "place": ""}
            ).status_code
            == 302
        )
        response = specialist.post(
            url("desk_propose", dossier.pk),
            {
                "outcome": "approved",
                "source": "generate",
                "number": "125/QĐ-STP",
                "title": "Quyết định cấp phiếu lý lịch tư pháp",
                "body": "Cấp Phiếu lý lịch tư pháp số 1 cho ông/bà.\nKhông có án tích.",
                "note": "Hồ sơ đủ điều kiện.",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    with at(vn(2026, 11, 25, 14)):
        leader = client_of(world.leader)  # a new day, a new session (sessions last 8 hours)
        queue = leader.get(url("desk_approval_queue")).content.decode()
        assert f"/mot-cua/ho-so/{dossier.pk}/" in queue
        assert leader.post(url("desk_approve", dossier.pk)).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY
    result = IssuedDocument.objects.get(dossier=dossier, kind=IssuedDocument.Kind.RESULT)
    assert result.signature_verdict["status"] == "valid"
    assert result.number == "125/QĐ-STP"
    with at(vn(2026, 11, 26, 9)):
        response = client_of(world.receiver).post(
            url("desk_return", dossier.pk), {"channel": "counter", "received_by_name": "Nguyễn Văn An"}
        )
        assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    # Returned before the appointment: the applicant was told first (ND 61/2018 art 20).
    actions = list(dossier.events.order_by("at", "pk").values_list("action", flat=True))
    assert actions[-2:] == ["notify_early_return", "return_result"]


def test_each_list_page_answers_for_its_role(world, client_of):
    assert client_of(world.receiver).get(url("desk_queue")).status_code == 200
    assert client_of(world.specialist).get(url("desk_worklist")).status_code == 200
    assert client_of(world.leader).get(url("desk_worklist")).status_code == 200
    assert client_of(world.leader).get(url("desk_approval_queue")).status_code == 200
    assert client_of(world.receiver).get(url("desk_intake")).status_code == 200
    assert client_of(world.receiver).get(url("desk_tracking_book")).status_code == 200


def test_the_navigation_shows_each_officer_their_entries(world, client_of):
    page = client_of(world.receiver).get(url("desk_queue")).content.decode()
    assert reverse("dossiers:desk_intake") in page and reverse("dossiers:desk_tracking_book") in page
    assert reverse("dossiers:desk_approval_queue") not in page
    leader_page = client_of(world.leader).get(url("desk_worklist")).content.decode()
    assert reverse("dossiers:desk_approval_queue") in leader_page
    assert reverse("dossiers:desk_intake") not in leader_page


def test_dossiers_a_citizen_has_not_submitted_are_not_in_any_queue(world, client_of):
    draft = world.draft()
    page = client_of(world.receiver).get(url("desk_queue") + "?status=").content.decode()
    assert f"/mot-cua/ho-so/{draft.pk}/" not in page
    assert client_of(world.receiver).get(url("desk_dossier", draft.pk)).status_code == 404
    assert Dossier.objects.get(pk=draft.pk).status == Status.DRAFT
