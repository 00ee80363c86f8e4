"""The citizen's pages: wiring, what they show, the error summary with values kept, and htmx partials. The rules
themselves are tested in the services' tests."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossiers.models import Attachment, Dossier, Status
from dossiers.services import attachments, store, submission
from tests.submission.conftest import pdf_bytes, png_bytes, upload, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_an(client, world):
    client.force_login(world.citizen)
    return client


def form_post(world, **overrides) -> dict:
    """The e-form as the browser posts it (prefix ``eform``)."""
    answers = world.answers(**overrides)
    address = answers.pop("noi_cu_tru")
    data = {f"eform-{k}": ("on" if v is True else v) for k, v in answers.items() if v is not False}
    data.update(
        {
            "eform-noi_cu_tru_province": address["province"],
            "eform-noi_cu_tru_commune": address["commune"],
            "eform-noi_cu_tru_street": address["street"],
        }
    )
    return data


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(reverse("dossiers:start", args=[world.version.procedure.code]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_start_page_explains_and_opens_a_draft(client_an, world):
    url = reverse("dossiers:start", args=[world.version.procedure.code])
    page = client_an.get(url)
    assert page.status_code == 200
    assert "Giấy chứng sinh hoặc văn bản thay Giấy chứng sinh" in page.content.decode()
    response = client_an.post(url, {"receiving_agency": world.desk.pk})
    dossier = Dossier.objects.get(applicant=world.citizen)
    assert response.status_code == 302 and response["Location"] == reverse("dossiers:form", args=[dossier.pk])
    again = client_an.get(url).content.decode()
    assert "Bạn đã có bản nháp" in again


def test_the_eform_shows_every_error_at_the_top_and_keeps_the_values(client_an, world):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    url = reverse("dossiers:form", args=[dossier.pk])
    response = client_an.post(url, {**form_post(world, so_dinh_danh="12345", ho_ten_tre=""), "action": "next"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in html and html.index("error-summary") < html.index('name="eform-ho_ten"')
    assert "Số định danh cá nhân" in html and "Vui lòng nhập “Họ, chữ đệm, tên người được khai sinh”" in html
    assert 'value="12345"' in html and 'aria-invalid="true"' in html
    dossier.refresh_from_db()
    assert dossier.form_data["so_dinh_danh"] == "12345"  # nothing the citizen typed is lost


def test_a_valid_eform_moves_on_to_the_files(client_an, world):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    response = client_an.post(reverse("dossiers:form", args=[dossier.pk]), {**form_post(world), "action": "next"})
    assert response.status_code == 302 and response["Location"] == reverse("dossiers:files", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.form_data["ho_ten_tre"] == "NGUYỄN MINH KHÔI" and dossier.form_data["cam_doan"] is True


def test_save_draft_keeps_it_and_says_when(client_an, world):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    url = reverse("dossiers:form", args=[dossier.pk])
    response = client_an.post(url, {**form_post(world, ho_ten_tre="BÉ AN"), "action": "save"}, follow=True)
    assert "Đã lưu tờ khai lúc" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.form_data["ho_ten_tre"] == "BÉ AN"


def test_htmx_autosave_answers_with_the_small_status_only(client_an, world):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    url = reverse("dossiers:autosave", args=[dossier.pk])
    response = client_an.post(url, form_post(world, ho_ten_tre="BÉ BI"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đã tự động lưu nháp lúc" in body and "<html" not in body
    dossier.refresh_from_db()
    assert dossier.form_data["ho_ten_tre"] == "BÉ BI"
    plain = client_an.post(url, form_post(world))
    assert plain.status_code == 302  # not a page of its own


def test_files_page_uploads_lists_and_removes(client_an, world):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    files_url = reverse("dossiers:files", args=[dossier.pk])
    page = client_an.get(files_url).content.decode()
    assert "Nội dung này đã được khai trong tờ khai điện tử" in page
    upload_url = reverse("dossiers:upload", args=[dossier.pk, world.birth_component.pk])
    response = client_an.post(upload_url, {"files": [upload("a.pdf", pdf_bytes()), upload("b.png", png_bytes())]})
    assert response.status_code == 302
    page = client_an.get(files_url).content.decode()
    assert "a.pdf" in page and "b.png" in page and "PDF" in page and "PNG" in page
    attachment = Attachment.objects.get(original_name="a.pdf")
    removed = client_an.post(reverse("dossiers:remove", args=[dossier.pk, attachment.pk]), follow=True)
    assert "Đã gỡ tệp “a.pdf”" in removed.content.decode()
    assert (
        reverse("dossiers:attachment", args=[dossier.pk, attachment.pk])
        not in client_an.get(files_url).content.decode()
    )


def test_a_refused_upload_shows_the_reason_at_the_top_and_by_the_component(client_an, world):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    upload_url = reverse("dossiers:upload", args=[dossier.pk, world.birth_component.pk])
    response = client_an.post(upload_url, {"files": [upload("chung-sinh.jpg", pdf_bytes())]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Có tệp chưa được nhận" in html and "nội dung là tệp PDF nhưng tên tệp có đuôi" in html
    assert not Attachment.objects.exists()


def test_htmx_upload_swaps_only_the_component(client_an, world):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    upload_url = reverse("dossiers:upload", args=[dossier.pk, world.birth_component.pk])
    response = client_an.post(
        upload_url,
        {"files": [upload("a.pdf", pdf_bytes())]},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"component-{world.birth_component.pk}",
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith("<section")
    assert "a.pdf" in body and "<html" not in body


def test_a_stored_document_is_offered_and_used(client_an, world):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    document = store.stored_document_add(
        owner=world.citizen,
        data=store.StoredDocumentData(kind=world.birth_kind, number="CS-9"),
        file=upload("kho.pdf", pdf_bytes(3)),
    )
    page = client_an.get(reverse("dossiers:files", args=[dossier.pk])).content.decode()
    assert "Có sẵn trong kho dữ liệu của bạn" in page and "CS-9" in page
    client_an.post(reverse("dossiers:reuse", args=[dossier.pk, world.birth_component.pk]), {"document": document.pk})
    assert Attachment.objects.get(dossier=dossier).source_document == document


def test_review_and_submit_shows_the_receipt_moment(client_an, world, at):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    submission.dossier_save_answers(dossier=dossier, by=world.citizen, form_data=world.answers())
    attachments.attachments_add(
        dossier=dossier, component=world.birth_component, files=[upload("a.pdf", pdf_bytes())], by=world.citizen
    )
    review_url = reverse("dossiers:review", args=[dossier.pk])
    assert "Hồ sơ còn thiếu" not in client_an.get(review_url).content.decode()
    with at(vn(2026, 3, 13, 17, 30)):
        response = client_an.post(review_url, {"result_channel": "counter"}, follow=True)
    html = response.content.decode()
    assert "Đã nộp hồ sơ thành công" in html
    assert "07:30" in html and "16/03/2026" in html
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_a_failed_submission_lists_the_problems_and_stays_a_draft(client_an, world):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    response = client_an.post(reverse("dossiers:review", args=[dossier.pk]), {"result_channel": "counter"})
    html = response.content.decode()
    assert response.status_code == 400 and "Hồ sơ chưa nộp được" in html
    assert "Thiếu thành phần hồ sơ bắt buộc" in html and "Tờ khai — " in html
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT


def test_my_dossiers_lists_status_due_and_what_is_awaited(client_an, world):
    submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    html = client_an.get(reverse("dossiers:mine")).content.decode()
    assert "Đăng ký khai sinh" in html and "Bản nháp" in html and "Hoàn thiện và nộp hồ sơ" in html
    partial = client_an.get(reverse("dossiers:mine") + "?nhom=nhap", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="dossier-results"' in partial and "<html" not in partial


def test_the_menu_shows_my_dossiers_and_the_store_to_citizens_only(client, world):
    client.force_login(world.citizen)
    html = client.get(reverse("dossiers:mine")).content.decode()
    assert "Hồ sơ của tôi" in html and "Kho dữ liệu" in html
    client.force_login(world.receiver)
    html = client.get(reverse("home")).content.decode()
    assert reverse("dossiers:store") + '"' not in html and "Xác thực giấy tờ" in html


def test_store_page_adds_and_lists_documents(client_an, world):
    url = reverse("dossiers:store")
    response = client_an.post(
        url, {"kind": world.birth_kind.pk, "number": "CS-7", "issuer": "BV", "file": upload("cs.pdf", pdf_bytes())}
    )
    assert response.status_code == 302
    html = client_an.get(url).content.decode()
    assert "Giấy chứng sinh" in html and "CS-7" in html and "Chưa xác thực" in html
    bad = client_an.post(url, {"kind": world.birth_kind.pk, "file": upload("cs.png", pdf_bytes())})
    assert bad.status_code == 400 and "nội dung là tệp PDF" in bad.content.decode()


def test_an_officer_verifies_a_stored_document(client, world):
    document = store.stored_document_add(
        owner=world.citizen,
        data=store.StoredDocumentData(kind=world.birth_kind, number="CS-1"),
        file=upload("cs.pdf", pdf_bytes()),
    )
    client.force_login(world.receiver)
    found = client.get(reverse("dossiers:store_verify") + "?q=080090001234").content.decode()
    assert world.citizen.full_name in found
    client.post(reverse("dossiers:store_verify_owner", args=[world.citizen.pk]), {"document": document.pk})
    document.refresh_from_db()
    assert document.verified_by == world.receiver
    client.force_login(world.specialist)
    assert client.get(reverse("dossiers:store_verify")).status_code == 403


def test_detail_shows_the_supplement_request_and_sends_the_answer(client_an, world, at):
    from dossiers import workflow

    with at(vn(2026, 3, 12, 8)):
        dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
        submission.dossier_save_answers(dossier=dossier, by=world.citizen, form_data=world.answers())
        attachments.attachments_add(
            dossier=dossier, component=world.birth_component, files=[upload("a.pdf", pdf_bytes())], by=world.citizen
        )
    with at(vn(2026, 3, 12, 9)):
        submission.dossier_submit(dossier=dossier, by=world.citizen)
        workflow.request_supplement(
            dossier, by=world.receiver, items=[{"item": "Giấy chứng sinh bản gốc", "reason": "Bản chụp bị mờ"}]
        )
    html = client_an.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Yêu cầu bổ sung hồ sơ" in html and "Bản chụp bị mờ" in html and "Bổ sung hồ sơ theo yêu cầu" in html
    refused = client_an.post(reverse("dossiers:supplement", args=[dossier.pk]), {"note": ""})
    assert refused.status_code == 400 and "Chưa có giấy tờ bổ sung" in refused.content.decode()
    attachments.attachments_add(
        dossier=dossier, component=world.birth_component, files=[upload("b.pdf", pdf_bytes(2))], by=world.citizen
    )
    client_an.post(reverse("dossiers:supplement", args=[dossier.pk]), {"note": "Đã bổ sung"})
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    html = client_an.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Lần nộp đầu" in html and "Bổ sung lần 1" in html and "Bổ sung hồ sơ" in html


def test_withdraw_page_asks_for_a_reason(client_an, world, at):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    submission.dossier_save_answers(dossier=dossier, by=world.citizen, form_data=world.answers())
    attachments.attachments_add(
        dossier=dossier, component=world.birth_component, files=[upload("a.pdf", pdf_bytes())], by=world.citizen
    )
    with at(vn(2026, 3, 12, 9)):
        submission.dossier_submit(dossier=dossier, by=world.citizen)
    url = reverse("dossiers:withdraw", args=[dossier.pk])
    assert client_an.post(url, {"reason": ""}).status_code == 400
    client_an.post(url, {"reason": "Nộp nhầm"})
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN


def test_attachment_download_is_private_and_typed(client_an, world):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    (attachment,) = attachments.attachments_add(
        dossier=dossier, component=world.birth_component, files=[upload("a.pdf", pdf_bytes())], by=world.citizen
    )
    response = client_an.get(reverse("dossiers:attachment", args=[dossier.pk, attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_level_4_review_offers_the_application_and_shows_the_verdict(client_an, world, settings, tmp_path):
    from dossiers import pki
    from dossiers.models.core import SignatureStatus

    pki.ensure_ca(tmp_path)
    settings.SIGNING_DIR = str(tmp_path)
    settings.SIGNING_TRUST_ROOTS = []
    dossier = submission.dossier_start(procedure=world.signed_version.procedure, applicant=world.citizen)
    review = client_an.get(reverse("dossiers:review", args=[dossier.pk])).content.decode()
    assert "Ký số đơn đề nghị" in review and "Ký khi nhận kết quả" in review
    application = client_an.get(reverse("dossiers:application_pdf", args=[dossier.pk]))
    assert application.status_code == 200 and b"".join(application.streaming_content).startswith(b"%PDF")
    # An unsigned PDF: the verdict is shown in place (htmx) and stored.
    response = client_an.post(
        reverse("dossiers:signed_upload", args=[dossier.pk]),
        {"signed": upload("don.pdf", pdf_bytes())},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="signature",
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith("<section") and "không có chữ ký số" in body
    dossier.refresh_from_db()
    assert dossier.signature_status == SignatureStatus.INVALID
    client_an.post(reverse("dossiers:sign_at_pickup", args=[dossier.pk]))
    dossier.refresh_from_db()
    assert dossier.signature_status == SignatureStatus.AT_PICKUP


def test_the_receipt_of_an_accepted_dossier_is_downloadable(client_an, world, at):
    from dossiers import workflow

    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    submission.dossier_save_answers(dossier=dossier, by=world.citizen, form_data=world.answers())
    attachments.attachments_add(
        dossier=dossier, component=world.birth_component, files=[upload("a.pdf", pdf_bytes())], by=world.citizen
    )
    with at(vn(2026, 3, 12, 9)):
        submission.dossier_submit(dossier=dossier, by=world.citizen)
        workflow.accept(dossier, by=world.receiver)
    dossier.refresh_from_db()
    html = client_an.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert dossier.code in html and "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)" in html
    assert "Cách tính ngày hẹn trả" in html
    response = client_an.get(reverse("dossiers:receipt", args=[dossier.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
