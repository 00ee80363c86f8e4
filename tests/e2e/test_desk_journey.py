"""Browser journey of issue 6, on the demo province (``seed_demo``): a citizen of phường Tân An asks for a marital
status certificate (level 4) → the ward's one-stop desk asks for a supplement → the citizen supplements → the desk
accepts (Mẫu 01 downloaded, its QR code decoded with zbarimg to the lookup URL) → the specialist proposes a result →
the leader approves and signs → the desk returns it online (the citizen is told first: it is early) → the citizen
downloads the signed result, whose signature verifies → the public lookup, opened from the QR code, shows it
returned. Screenshots of each step go to artifacts/desk-journey/, with PNG renders of Mẫu 01–06.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from dossiers import documents, signing
from dossiers.models import Dossier, IssuedDocument, Status
from dossiers.services import approval, desk, processing
from portal import clock
from portal.models import Agency, User
from tests.documents.pdftools import PdfPage, decode_qr, first_page_png, pdf_text
from tests.moments import vn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "MotCua@2026"  # the demo accounts' password (seed_demo)
JOURNEY = "desk-journey"
CITIZEN = "nguyenvanan@example.vn"
RECEIVER = "motcua.tanan@longan.gov.vn"
SPECIALIST = "chuyenvien.tanan@longan.gov.vn"
LEADER = "lanhdao.tanan@longan.gov.vn"


def scan(path, text: str) -> str:
    from dossiers.documents import render

    path.write_bytes(render.html_to_pdf(f"<p>{text}</p>"))
    return str(path)


def login(page: Page, base: str, email: str, *, next_url: str = "/") -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/tai-khoan/dang-nhap/?next={next_url}")
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


# The journey runs on dates already past. The portal clock is frozen (every process sees it), but a file's upload time
# (Attachment.uploaded_at, auto_now_add) is the real time, and dossiers.checks.supplement_check compares the two: with
# a frozen moment in the future, a supplement uploaded "now" would look older than the request.
@pytest.fixture
def demo_province(settings, tmp_path, live_server):
    settings.SIGNING_DIR = str(tmp_path / "pki")
    settings.SIGNING_TRUST_ROOTS = []
    settings.PORTAL_BASE_URL = live_server.url
    settings.OTP_REQUIRED_FOR_OFFICERS = False
    settings.NOTIFICATIONS_RECORD_DIR = str(tmp_path / "deliveries")
    clock.freeze(vn(2026, 11, 6, 9))  # the demo province as it stands the Friday before
    call_command("seed_demo", verbosity=0)
    yield
    clock.unfreeze()


def test_a_dossier_from_submission_to_the_signed_result_in_the_citizens_hands(
    page: Page, live_server, demo_province, tmp_path, artifacts
):
    base = live_server.url
    citizen = User.objects.get(email=CITIZEN)

    # 1. Monday 9/11/2026 08:30 — the citizen fills the e-form and submits online to the ward's centre.
    clock.freeze(vn(2026, 11, 9, 8, 30))
    login(page, base, CITIZEN, next_url="/ho-so/nop/1.004873/")
    page.get_by_label("Nơi tiếp nhận hồ sơ").select_option(label="Trung tâm Phục vụ hành chính công phường Tân An")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()
    expect(page.get_by_label(re.compile("Họ, chữ đệm, tên người yêu cầu"))).to_have_value("Nguyễn Văn An")
    with page.expect_response(lambda r: "/dia-gioi/xa/" in r.url):  # htmx loads the province's wards and communes
        page.get_by_label("Tỉnh, thành phố").select_option("80")
    commune = page.get_by_label("Phường, xã, đặc khu")
    expect(commune.locator("option", has_text="Phường Tân An")).to_have_count(1)
    commune.select_option(label="Phường Tân An")
    expect(commune).to_have_value("27712")
    page.get_by_label("Chưa đăng ký kết hôn với ai").check()
    page.get_by_label(re.compile("Mục đích sử dụng")).fill("Bổ sung hồ sơ vay vốn ngân hàng")
    page.get_by_label(re.compile("Số bản yêu cầu")).fill("1")
    page.get_by_label(re.compile("Tôi cam đoan")).check()
    page.get_by_role("button", name="Lưu và tiếp tục").last.click()
    form = page.locator("section.component-card", has_text="Tờ khai cấp Giấy xác nhận")
    form.locator("input[type=file]").set_input_files(scan(tmp_path / "to-khai.pdf", "Tờ khai đã ký"))
    form.get_by_role("button", name=re.compile("Tải lên")).click()
    expect(form.locator(".file-list")).to_contain_text("to-khai.pdf")
    card = page.locator("section.component-card", has_text="Thẻ căn cước")
    card.locator("input[type=file]").set_input_files(scan(tmp_path / "cccd-mo.pdf", "CCCD chụp mờ"))
    card.get_by_role("button", name=re.compile("Tải lên")).click()
    expect(card.locator(".file-list")).to_contain_text("cccd-mo.pdf")
    page.get_by_role("button", name="Tiếp tục: kiểm tra và nộp").click()
    page.get_by_label("Nhận trực tuyến").check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.locator(".receipt-panel")).to_contain_text("Đã nộp hồ sơ thành công")
    artifacts(page, JOURNEY, "01-citizen-submitted")
    dossier = Dossier.objects.get(applicant=citizen, procedure__code="1.004873", status=Status.SUBMITTED)

    # 2. 09:30 — the desk finds it in its queue (time left on the 8-hour check) and asks for a supplement.
    clock.freeze(vn(2026, 11, 9, 9, 30))
    login(page, base, RECEIVER, next_url="/mot-cua/")
    expect(page.get_by_role("heading", name="Hồ sơ chờ tiếp nhận")).to_be_visible()
    page.get_by_label("Tìm theo mã hồ sơ, tên hoặc số CCCD").fill(citizen.citizen_id)
    page.get_by_role("button", name="Tìm", exact=True).click()
    row = page.locator("tr", has=page.locator(f'a[href="/mot-cua/ho-so/{dossier.pk}/"]'))
    expect(row).to_contain_text("Còn 7 giờ làm việc")
    artifacts(page, JOURNEY, "02-desk-queue")
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=re.compile("Hồ sơ số"))).to_be_visible()
    page.get_by_label("Nội dung 1").fill("Bản chụp thẻ căn cước")
    page.get_by_label("Lý do 1").fill("Ảnh chụp mờ, không đọc được số định danh")
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi yêu cầu bổ sung (Mẫu 02)")
    artifacts(page, JOURNEY, "03-desk-supplement-requested")

    # 3. 10:30 — the citizen reads what is asked and why, adds a clear copy and sends the supplement.
    clock.freeze(vn(2026, 11, 9, 10, 30))
    login(page, base, CITIZEN, next_url=f"/ho-so/{dossier.pk}/")
    supplement = page.locator("#bo-sung")
    expect(supplement).to_contain_text("Ảnh chụp mờ, không đọc được số định danh")
    supplement.get_by_role("button", name="Tải lên giấy tờ bổ sung").click()
    card = page.locator("section.component-card", has_text="Thẻ căn cước")
    card.locator("input[type=file]").set_input_files(scan(tmp_path / "cccd-ro.pdf", "CCCD chụp rõ"))
    card.get_by_role("button", name=re.compile("Tải lên")).click()
    expect(card.get_by_role("list", name="Tệp đã đính kèm")).to_contain_text("cccd-ro.pdf")
    page.get_by_role("button", name="Tiếp tục: gửi hồ sơ bổ sung").click()
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    artifacts(page, JOURNEY, "04-citizen-supplemented")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED

    # 4. 11:00 — the desk accepts: dossier code, appointment, Mẫu 01 downloaded; its QR code opens the lookup.
    clock.freeze(vn(2026, 11, 9, 11))
    login(page, base, RECEIVER, next_url=f"/mot-cua/ho-so/{dossier.pk}/")
    expect(page.locator("main")).to_contain_text("cccd-ro.pdf")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.locator(".messages")).to_contain_text("Đã tiếp nhận hồ sơ, mã hồ sơ 001.01.00.H41-261109-")
    artifacts(page, JOURNEY, "05-desk-accepted")
    with page.expect_download() as download:
        page.locator('[data-paper-download="mau01"]').click()
    receipt = download.value.path().read_bytes()
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.code.startswith("001.01.00.H41-261109-")
    lookup_url = f"{base}/tra-cuu/{dossier.code}/?k={dossier.lookup_secret}"
    assert decode_qr(first_page_png(receipt, tmp_path / "mau01.png")) == [lookup_url]
    assert dossier.code in pdf_text(receipt)

    # 5. Tuesday 10/11 09:00 — the specialist takes the dossier, verifies and proposes the certificate.
    clock.freeze(vn(2026, 11, 10, 9))
    login(page, base, SPECIALIST, next_url="/mot-cua/xu-ly/")
    page.locator(f'a[href="/mot-cua/ho-so/{dossier.pk}/"]').click()
    page.get_by_role("button", name="Nhận xử lý").click()
    expect(page.locator(".messages")).to_contain_text("Đã phân công xử lý hồ sơ")
    page.get_by_label("Nội dung, kết quả").fill("Đã tra cứu Cơ sở dữ liệu hộ tịch: chưa đăng ký kết hôn.")
    page.get_by_role("button", name="Ghi nhận").click()
    page.get_by_label("Số, ký hiệu văn bản (nếu có)").fill("215/XN-UBND")
    page.get_by_label("Nội dung văn bản").fill(
        "Xác nhận ông Nguyễn Văn An, sinh năm 1990, cư trú tại phường Tân An, hiện chưa đăng ký kết hôn với ai.\n"
        "Giấy xác nhận có giá trị 06 tháng kể từ ngày cấp, dùng để bổ sung hồ sơ vay vốn ngân hàng."
    )
    page.get_by_role("button", name="Trình phê duyệt").click()
    expect(page.locator(".messages")).to_contain_text("Đã trình lãnh đạo phê duyệt")
    artifacts(page, JOURNEY, "06-specialist-proposed")

    # 6. 14:00 — the leader approves: the result is signed with the ward's certificate (visible stamp).
    clock.freeze(vn(2026, 11, 10, 14))
    login(page, base, LEADER, next_url="/mot-cua/phe-duyet/")
    page.locator(f'a[href="/mot-cua/ho-so/{dossier.pk}/"]').click()
    expect(page.locator(".proposal")).to_contain_text("Giải quyết, trình kết quả")
    page.get_by_role("button", name="Phê duyệt và ký số").click()
    expect(page.locator(".messages")).to_contain_text("Đã phê duyệt và ký số kết quả")
    artifacts(page, JOURNEY, "07-leader-approved-signed")

    # 7. 15:00 — the desk returns it online; it is early, so the citizen is told first (ND 61/2018 art 20).
    clock.freeze(vn(2026, 11, 10, 15))
    login(page, base, RECEIVER, next_url=f"/mot-cua/ho-so/{dossier.pk}/")
    page.get_by_label("Nhận trực tuyến").check()
    page.get_by_role("button", name="Xác nhận trả kết quả").click()
    expect(page.locator(".messages")).to_contain_text("Đã trả kết quả cho người nộp")
    expect(page.locator(".handovers")).to_contain_text("Trước hạn")
    artifacts(page, JOURNEY, "08-desk-returned-online")
    actions = list(Dossier.objects.get(pk=dossier.pk).events.order_by("at", "pk").values_list("action", flat=True))
    assert actions[-2:] == ["notify_early_return", "return_result"]

    # 8. The citizen downloads the signed result; its signature verifies.
    login(page, base, CITIZEN, next_url=f"/ho-so/{dossier.pk}/")
    link = page.get_by_role("link", name=re.compile("Kết quả giải quyết"))
    expect(link).to_be_visible()
    artifacts(page, JOURNEY, "09-citizen-result")
    result = page.request.get(base + link.get_attribute("href"))
    assert result.ok and result.headers["content-type"] == "application/pdf"
    verdict = signing.verify_pdf(result.body())
    assert verdict.status == "valid", verdict.summary
    assert "Tân An" in verdict.signer

    # 9. Anyone holding the receipt opens the QR link: the dossier is returned, and the result's signature is valid.
    page.context.clear_cookies()
    page.goto(lookup_url)
    expect(page.locator(".lookup-status")).to_contain_text("Đã trả kết quả")
    artifacts(page, JOURNEY, "10-public-lookup-returned")
    page.get_by_role("button", name="Kiểm tra chữ ký số của kết quả").click()
    expect(page.locator("main")).to_contain_text("hợp lệ")
    artifacts(page, JOURNEY, "11-public-signature-verified")

    # The papers of TT 01/2018 art 9, rendered to PNG: this dossier's Mẫu 01, 02, 05, and Mẫu 06 of the ward's
    # desk; a refused dossier's Mẫu 03 and an apology slip (Mẫu 04) on a late one.
    dossier = Dossier.objects.get(pk=dossier.pk)
    papers = {
        "mau01": documents.ensure(dossier, IssuedDocument.Kind.RECEIPT),
        "mau02": documents.ensure(dossier, IssuedDocument.Kind.SUPPLEMENT_REQUEST),
        "mau05": documents.issue(dossier, IssuedDocument.Kind.CONTROL_SHEET),
    }
    receiver = User.objects.get(email=RECEIVER)
    leader = User.objects.get(email=LEADER)
    specialist = User.objects.get(email=SPECIALIST)
    centre = Agency.objects.get(code="001.01.00.H41")
    version = dossier.procedure_version
    from dossiers import workflow

    def online_dossier() -> Dossier:
        other = workflow.create_draft(procedure_version=version, applicant=citizen, receiving_agency=centre)
        other.form_data = dossier.form_data
        other.save(update_fields=["form_data"])
        for attachment in dossier.attachments.filter(removed_at__isnull=True):
            attachment.pk = None
            attachment.dossier = other
            attachment.version = 1
            attachment.save()
        return workflow.submit(other, by=citizen)

    clock.freeze(vn(2026, 11, 11, 9))
    refused = desk.refuse(
        dossier=online_dossier(), by=receiver, reasons="Người yêu cầu đã được cấp Giấy xác nhận còn hiệu lực."
    )
    papers["mau03"] = documents.ensure(refused, IssuedDocument.Kind.REFUSAL)
    late = processing.assign(dossier=desk.accept(dossier=online_dossier(), by=receiver), by=leader, to_user=specialist)
    approval.issue_apology(
        dossier=late,
        by=leader,
        reason="Chờ kết quả xác minh tại nơi cư trú trước đây.",
        new_due_at=vn(2026, 11, 19, 16),
    )
    papers["mau04"] = documents.ensure(Dossier.objects.get(pk=late.pk), IssuedDocument.Kind.APOLOGY)
    papers["mau06"] = documents.issue_tracking_book(agency=centre, start=date(2026, 11, 1), end=date(2026, 11, 30))
    for kind, document in sorted(papers.items()):
        with document.file.open("rb") as handle:
            pdf = handle.read()
        assert pdf_text(pdf), kind
        artifacts(PdfPage(pdf), JOURNEY, f"paper-{kind}")
