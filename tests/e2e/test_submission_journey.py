"""Browser journey of issue 4: a citizen keeps a birth certificate in the document store, fills a level-3 e-form
with a validation error first, fixes it, attaches two files (one reused from the store), saves a draft, comes back
through "Hồ sơ của tôi", submits on Friday 13/3/2026 at 17:30 and is told at once that the dossier counts as
received on Monday 16/3/2026 at 07:30 (Long An 30/2019 art 9.1). Screenshots go to artifacts/submission-journey/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dossiers.models import Attachment, Dossier, Status
from portal import clock
from tests.submission.conftest import pdf_bytes, vn, world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-an-toan-123"  # tests.factories.UserFactory


def test_citizen_files_a_level_3_dossier_online(page: Page, live_server, world, tmp_path, artifacts):  # noqa: F811
    base = live_server.url
    journey = "submission-journey"
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(pdf_bytes(text="Giấy chứng sinh"))
    extra = tmp_path / "xac-nhan-cu-tru.pdf"
    extra.write_bytes(pdf_bytes(pages=2, text="Xác nhận cư trú"))

    # Log in and open the procedure from the catalogue.
    page.goto(f"{base}/tai-khoan/dang-nhap/?next=/thu-tuc/{world.version.procedure.code}/")
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill(world.citizen.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Đăng ký khai sinh")).to_be_visible()

    # The document store: keep the birth certificate once.
    page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Kho dữ liệu").click()
    expect(page.get_by_role("heading", name="Kho dữ liệu cá nhân")).to_be_visible()
    page.get_by_label("Loại giấy tờ").select_option(label="Giấy chứng sinh")
    page.get_by_label("Số, ký hiệu").fill("CS-2026-0042")
    page.get_by_label("Cơ quan cấp").fill("Bệnh viện Đa khoa Long An")
    page.get_by_label("Tệp bản chụp, bản quét").set_input_files(str(scan))
    page.get_by_role("button", name="Lưu vào kho dữ liệu").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu “Giấy chứng sinh” vào kho dữ liệu")
    expect(page.get_by_role("cell", name="CS-2026-0042", exact=True)).to_be_visible()
    artifacts(page, journey, "01-document-store")

    # From the procedure's page, start a dossier.
    page.goto(f"{base}/thu-tuc/{world.version.procedure.code}/")
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").first.click()
    expect(page.get_by_role("heading", name="Bạn cần chuẩn bị")).to_be_visible()
    artifacts(page, journey, "02-start")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()

    # The e-form, pre-filled from the account.
    expect(page.get_by_label("Họ, chữ đệm, tên người yêu cầu")).to_have_value("Nguyễn Văn An")
    expect(page.get_by_label("Số định danh cá nhân")).to_have_value("080090001234")
    page.get_by_label("Họ, chữ đệm, tên người được khai sinh").fill("NGUYỄN MINH KHÔI")
    page.get_by_label("Tôi cam đoan nội dung khai là đúng sự thật.").check()
    # The birth date is forgotten: "Lưu và tiếp tục" shows the error summary at the top, values kept.
    page.get_by_role("button", name="Lưu và tiếp tục").last.click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Ngày sinh")
    expect(page.get_by_label("Họ, chữ đệm, tên người được khai sinh")).to_have_value("NGUYỄN MINH KHÔI")
    artifacts(page, journey, "03-eform-error-summary")
    summary.get_by_role("link", name=re.compile("Ngày sinh")).click()
    expect(page.get_by_label("Ngày sinh")).to_be_focused()
    page.get_by_label("Ngày sinh").fill("2026-02-01")
    # htmx autosaves the draft on change (no JavaScript needed for the rest).
    expect(page.locator("#autosave-status")).to_contain_text("Đã tự động lưu nháp lúc")
    assert Dossier.objects.get(applicant=world.citizen).form_data["ngay_sinh_tre"] == "2026-02-01"
    page.get_by_role("button", name="Lưu và tiếp tục").last.click()

    # Files: the birth certificate from the store, and one upload.
    expect(page.get_by_role("heading", name="Thành phần hồ sơ", exact=True)).to_be_visible()
    birth = page.locator("section.component-card", has_text="Giấy chứng sinh hoặc văn bản thay Giấy chứng sinh")
    expect(birth).to_contain_text("Có sẵn trong kho dữ liệu của bạn")
    birth.get_by_role("button", name=re.compile("Dùng giấy tờ này")).click()
    expect(birth.locator(".file-list")).to_contain_text("giay-chung-sinh.pdf")
    expect(birth.locator(".file-list")).to_contain_text("từ kho dữ liệu")
    other = page.locator("section.component-card", has_text="Giấy tờ khác")
    other.locator("input[type=file]").set_input_files(str(extra))
    other.get_by_role("button", name=re.compile("Tải lên")).click()
    expect(other.locator(".file-list")).to_contain_text("xac-nhan-cu-tru.pdf")
    artifacts(page, journey, "04-files")

    # Save the draft and leave.
    page.get_by_role("button", name="Quay lại tờ khai").click()
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu tờ khai lúc")
    artifacts(page, journey, "05-draft-saved")
    page.goto(base + "/")

    # Come back through "Hồ sơ của tôi".
    page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Hồ sơ của tôi").click()
    row = page.get_by_role("row", name=re.compile("Đăng ký khai sinh"))
    expect(row).to_contain_text("Bản nháp")
    expect(row).to_contain_text("Hoàn thiện và nộp hồ sơ")
    artifacts(page, journey, "06-my-dossiers")
    row.get_by_role("link", name="Đăng ký khai sinh").click()
    page.get_by_role("button", name="Tiếp tục khai hồ sơ").click()
    expect(page.get_by_label("Ngày sinh")).to_have_value("2026-02-01")
    page.get_by_role("button", name="Lưu và tiếp tục").last.click()
    expect(page.locator(".file-list")).to_have_count(2)
    page.get_by_role("button", name="Tiếp tục: kiểm tra và nộp").click()

    # Review and submit on Friday 13/3/2026 at 17:30, after the cut-off.
    expect(page.get_by_role("heading", name="Kiểm tra và nộp hồ sơ")).to_be_visible()
    expect(page.locator(".precheck")).to_have_count(0)
    page.get_by_label("Nhận tại bộ phận một cửa").check()
    artifacts(page, journey, "07-review")
    clock.freeze(vn(2026, 3, 13, 17, 30))
    page.get_by_role("button", name="Nộp hồ sơ").click()

    panel = page.locator(".receipt-panel")
    expect(panel).to_contain_text("Đã nộp hồ sơ thành công")
    expect(panel.locator(".receipt-moment")).to_contain_text("07:30")
    expect(panel.locator(".receipt-moment")).to_contain_text("16/03/2026")
    expect(panel).to_contain_text("17:30")  # submitted at
    artifacts(page, journey, "08-submitted-receipt-moment")
    page.set_viewport_size({"width": 390, "height": 844})  # the same page on a phone
    expect(panel.locator(".receipt-moment")).to_be_visible()
    artifacts(page, journey, "09-submitted-on-a-phone")

    dossier = Dossier.objects.get(applicant=world.citizen)
    assert dossier.status == Status.SUBMITTED
    assert dossier.submitted_at == vn(2026, 3, 13, 17, 30)
    files = Attachment.objects.filter(dossier=dossier, removed_at__isnull=True)
    assert files.count() == 2 and files.filter(source_document__isnull=False).count() == 1
