"""Counter and postal intake (ND 61/2018 art 16–17.1; Long An 30/2019 art 19): the officer finds or opens the
applicant's account (initial access sent by e-mail or SMS: Bắc Ninh 13/2018), fills the same e-form, scans the
papers, and accepts at once; Mẫu 01 is printed. A refusal at any point leaves nothing behind."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import Attachment, Dossier, DossierCodeSequence, Handover, IssuedDocument, Status
from dossiers.models.core import Channel
from portal.models import AuditEntry, Message, User
from tests.desk.conftest import PDF, vn
from tests.documents.pdftools import pdf_text

pytestmark = pytest.mark.django_db

SCHEMA = {
    "title": {"vi": "Tờ khai"},
    "fields": [
        {"name": "ho_ten", "type": "text", "label": "Họ và tên", "required": True, "prefill": "full_name"},
        {"name": "noi_dung", "type": "textarea", "label": "Nội dung yêu cầu", "required": True},
    ],
}


@pytest.fixture
def with_eform(world):
    world.version.eform_schema = SCHEMA
    world.version.save(update_fields=["eform_schema"])
    return world


def intake_url(world, applicant, channel=Channel.IN_PERSON) -> str:
    query = f"agency={world.desk.pk}&channel={int(channel)}&applicant={applicant.pk}"
    return reverse("dossiers:desk_intake_form") + f"?{query}&procedure={world.version.procedure.code}"


def scan(name="to-khai.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def a_real_pdf() -> bytes:
    from dossiers.documents import render

    return render.html_to_pdf("<p>Tờ khai đã ký</p>")


def test_the_desk_finds_the_applicant_by_cccd_phone_or_email(world, client_of):
    citizen = world.citizen
    client = client_of(world.receiver)
    for query in (citizen.citizen_id, citizen.phone, citizen.email.upper()):
        response = client.get(reverse("dossiers:desk_intake"), {"agency": world.desk.pk, "channel": 1, "q": query})
        assert citizen.display_name in response.content.decode(), query
    partial = client.get(
        reverse("dossiers:desk_intake"),
        {"agency": world.desk.pk, "channel": 1, "q": citizen.citizen_id},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="applicant-results",
    )
    assert "<html" not in partial.content.decode() and citizen.display_name in partial.content.decode()


def test_a_new_applicants_account_gets_its_initial_access_by_email(world, client_of):
    response = client_of(world.receiver).post(
        reverse("dossiers:desk_intake_applicant"),
        {
            "agency": world.desk.pk,
            "channel": 1,
            "kind": "citizen",
            "full_name": "Lê Văn Tư",
            "citizen_id": "080090009999",
            "phone": "0933 333 333",
            "email": "levantu@example.vn",
            "address": "Phường Tân An",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(citizen_id="080090009999")
    assert (user.kind, user.assurance_level, user.phone) == ("citizen", 1, "0933333333")
    assert f"applicant={user.pk}" in response["Location"]
    message = Message.objects.get(user=user, event="accounts.created_at_desk")
    assert message.recipient == "levantu@example.vn" and message.channel == "email"
    password = next(line.split(":", 1)[1].strip() for line in message.body.splitlines() if "Mật khẩu:" in line)
    assert user.check_password(password)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.OFFICER_ACTION, target_user=user)
    assert entry.actor == world.receiver and password not in str(entry.data)


def test_without_email_the_initial_access_goes_by_sms(world, client_of):
    client_of(world.receiver).post(
        reverse("dossiers:desk_intake_applicant"),
        {
            "agency": world.desk.pk,
            "channel": 1,
            "kind": "citizen",
            "full_name": "Lê Thị Năm",
            "citizen_id": "080190008888",
            "phone": "0944444444",
        },
    )
    user = User.objects.get(citizen_id="080190008888")
    message = Message.objects.get(user=user, event="accounts.created_at_desk")
    assert (message.channel, message.recipient) == ("sms", "0944444444")


def test_an_account_that_already_exists_is_not_opened_twice(world, client_of):
    response = client_of(world.receiver).post(
        reverse("dossiers:desk_intake_applicant"),
        {
            "agency": world.desk.pk,
            "channel": 1,
            "kind": "citizen",
            "full_name": "X",
            "citizen_id": world.citizen.citizen_id,
            "phone": "0955555555",
        },
    )
    assert response.status_code == 400
    assert "Số định danh này đã có tài khoản" in response.content.decode()
    assert not Message.objects.filter(event="accounts.created_at_desk").exists()


def test_counter_intake_fills_the_eform_takes_the_scans_and_accepts_at_once(with_eform, at, client_of):
    world = with_eform
    with at(vn(2026, 12, 7, 9, 30)):
        client = client_of(world.receiver)
        form_page = client.get(intake_url(world, world.citizen))
        assert 'name="tk-ho_ten"' in form_page.content.decode()
        assert world.citizen.full_name in form_page.content.decode()  # prefilled from the account
        response = client.post(
            intake_url(world, world.citizen),
            {
                "tk-ho_ten": world.citizen.full_name,
                "tk-noi_dung": "Cấp bản sao trích lục",
                f"component-{world.component.pk}": scan("to-khai.pdf", a_real_pdf()),
                "result_channel": "counter",
                "sets": "2",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        dossier = Dossier.objects.get()
        receipt = client.get(reverse("dossiers:desk_paper", args=[dossier.pk, "mau01"]))
    assert dossier.status == Status.RECEIVED and dossier.channel == Channel.IN_PERSON
    assert dossier.code == "000.00.01.H41-261207-0001"
    assert dossier.form_data["noi_dung"] == "Cấp bản sao trích lục"
    attachment = Attachment.objects.get(dossier=dossier)
    assert attachment.uploaded_by == world.receiver and attachment.component == world.component
    actions = list(dossier.events.values_list("action", flat=True))
    assert actions == ["create", "intake"]
    text = pdf_text(b"".join(receipt.streaming_content))
    assert dossier.code in text and "02 (bộ)" in text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.OFFICER_ACTION, data__action="intake").exists()


def test_postal_intake_needs_the_tracking_number(with_eform, at, client_of):
    world = with_eform
    data = {
        "tk-ho_ten": "Nguyễn Văn An",
        "tk-noi_dung": "Yêu cầu",
        "result_channel": "postal",
        "sets": "1",
    }
    with at(vn(2026, 12, 7, 9)):
        client = client_of(world.receiver)
        refused = client.post(
            intake_url(world, world.citizen, Channel.POSTAL),
            {**data, f"component-{world.component.pk}": scan(content=a_real_pdf())},
        )
        assert refused.status_code == 400
        assert "Hồ sơ qua bưu chính cần số hiệu bưu gửi." in refused.content.decode()
        assert not Dossier.objects.exists()
        accepted = client.post(
            intake_url(world, world.citizen, Channel.POSTAL),
            {
                **data,
                "postal_tracking_number": "EK123456789VN",
                f"component-{world.component.pk}": scan(content=a_real_pdf()),
            },
        )
    assert accepted.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.channel, dossier.postal_tracking_number) == (Channel.POSTAL, "EK123456789VN")
    # The refused attempt took no number: this is the day's first dossier.
    assert dossier.code.endswith("-0001")


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_kept(with_eform, at, client_of, settings):
    from pathlib import Path

    world = with_eform
    with at(vn(2026, 12, 7, 9)):
        response = client_of(world.receiver).post(
            intake_url(world, world.citizen),
            {
                "tk-ho_ten": "Nguyễn Văn An",
                "tk-noi_dung": "Yêu cầu",
                f"component-{world.component.pk}": scan("to-khai.pdf", b"MZ\x90\x00" + b"\x00" * 200),
                "result_channel": "counter",
                "sets": "1",
            },
        )
    assert response.status_code == 400
    assert "Có tệp scan không hợp lệ" in response.content.decode()
    assert not Dossier.objects.exists() and not Attachment.objects.exists()
    assert not DossierCodeSequence.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not any(p.is_file() for p in media.rglob("*"))


def test_a_missing_required_component_is_reported_and_nothing_is_saved(with_eform, at, client_of):
    world = with_eform
    with at(vn(2026, 12, 7, 9)):
        response = client_of(world.receiver).post(
            intake_url(world, world.citizen),
            {"tk-ho_ten": "Nguyễn Văn An", "tk-noi_dung": "Yêu cầu", "result_channel": "counter", "sets": "1"},
        )
    assert response.status_code == 400
    assert "Thiếu thành phần hồ sơ bắt buộc: Tờ khai." in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_paper_dossier_taken_after_15h_reaches_the_department_next_working_morning(world, at):
    """ND 61/2018 art 18: the same working day, or the next one when received after 15:00 — Monday 7/12/2026 15:30
    → Tuesday 8/12 07:30, a row of Mẫu 05."""
    from dossiers.services import desk

    with at(vn(2026, 12, 7, 15, 30)):
        dossier = desk.counter_intake(
            intake=desk.CounterIntake(
                agency=world.desk,
                procedure_version=world.version,
                applicant=world.citizen,
                channel=Channel.IN_PERSON,
                form_data={},
                files={world.component.pk: [scan(content=a_real_pdf())]},
            ),
            by=world.receiver,
        )
    step = Handover.objects.get(dossier=dossier, seq=1)
    assert step.handed_at == vn(2026, 12, 8, 7, 30)
    assert step.to_agency == world.division


def test_the_counter_lists_only_the_procedures_its_desk_receives(world, client_of):
    from tests.factories import ProcedureVersionFactory

    elsewhere = ProcedureVersionFactory(competent_agency=world.other, name="Thủ tục của nơi khác")
    elsewhere.receiving_agencies.add(world.other)
    page = client_of(world.receiver).get(
        reverse("dossiers:desk_intake_form") + f"?agency={world.desk.pk}&channel=1&applicant={world.citizen.pk}"
    )
    body = page.content.decode()
    assert world.version.name in body and "Thủ tục của nơi khác" not in body
    assert not IssuedDocument.objects.exists()
