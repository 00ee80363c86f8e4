"""Browser journeys of issue 2: a citizen registers, proves the e-mail with the code read from the outbox, logs out and
in, resets the password; an officer logs in with TOTP (and another enrols an authenticator app).

The messages are really sent by a Celery worker process; the codes are read the way a demo user reads them, in the
demo mailbox. Screenshots go to artifacts/accounts-registration/ and artifacts/accounts-officer-totp/.
"""

from __future__ import annotations

import re
import subprocess
import time

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from portal.accounts.services import enrol_totp
from portal.models import Message, OfficerPost
from tests.factories import AgencyFactory, OfficerFactory, OfficerPostFactory

EMAIL = "nguyenvanan@example.vn"
PASSWORD = "Sen-vang-2026!"
NEW_PASSWORD = "Hoa-sen-no-2026!"
KEY = "3132333435363738393031323334353637383930"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def code_in_mailbox(page: Page, base: str, *, subject: str) -> str:
    """Open the demo mailbox, find the newest message with ``subject`` to EMAIL, read its six-digit code."""
    page.goto(f"{base}/hop-thu-demo/?to={EMAIL}")
    mail = page.locator("article.mail").filter(has_text=subject).first
    expect(mail).to_be_visible()
    expect(mail.locator(".mail-meta")).to_contain_text("Đã gửi")
    return re.search(r"\b(\d{6})\b", mail.locator(".mail-body").inner_text()).group(1)


def wait_until_sent(celery_processes, *, event: str) -> None:
    celery_processes.wait_for(
        lambda: Message.objects.filter(recipient=EMAIL, event=event, status=Message.Status.SENT).exists(), timeout=60
    )


def test_citizen_registers_verifies_email_logs_out_and_in_and_resets_password(
    page: Page, live_server, settings, celery_processes, artifacts
):
    settings.DEMO_MODE = True
    cache.clear()  # registration and reset rate limits of earlier runs
    celery_processes.start_worker(concurrency=1)
    base = live_server.url
    journey = "accounts-registration"

    page.goto(base + "/")
    expect(page.get_by_role("heading", name="Dịch vụ công trực tuyến")).to_be_visible()
    artifacts(page, journey, "01-home")

    page.locator("header").get_by_role("button", name="Đăng ký").click()  # styled as a button
    expect(page.get_by_role("heading", name="Đăng ký tài khoản")).to_be_visible()
    artifacts(page, journey, "02-registration-page")

    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("080090001234")
    page.get_by_label("Ngày sinh").fill("1990-05-01")
    page.get_by_label("Giới tính").select_option("male")
    page.get_by_label("Thư điện tử").fill(EMAIL)
    page.get_by_label("Số điện thoại di động").fill("0912345678")
    page.get_by_label("Địa chỉ liên hệ").fill("12 Nguyễn Huệ, phường Tân An, tỉnh Long An")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_label("Tôi cam đoan").check()
    artifacts(page, journey, "03-registration-filled")
    page.locator("#main").get_by_role("button", name="Đăng ký").click()

    expect(page.get_by_role("heading", name="Xác minh thư điện tử và số điện thoại")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Đã tạo tài khoản")
    artifacts(page, journey, "04-verify-page")

    wait_until_sent(celery_processes, event="accounts.verify_email")
    code = code_in_mailbox(page, base, subject="Mã xác minh thư điện tử")
    artifacts(page, journey, "05-demo-mailbox")

    page.goto(base + "/tai-khoan/xac-minh/")
    email_section = page.locator("section.verify-item").filter(has_text=EMAIL)
    email_section.get_by_label("Mã xác minh").fill(code)
    email_section.get_by_role("button", name="Xác minh").click()
    expect(page.locator(".messages")).to_contain_text("Đã xác minh thư điện tử")
    artifacts(page, journey, "06-email-verified")

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.locator(".messages")).to_contain_text("Bạn đã đăng xuất")
    expect(page.get_by_role("link", name="Đăng nhập", exact=True)).to_be_visible()

    page.get_by_role("link", name="Đăng nhập", exact=True).click()
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill("NguyenVanAn@Example.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("link", name=re.compile("Nguyễn Văn An"))).to_be_visible()
    artifacts(page, journey, "07-logged-in")

    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.get_by_label("Thư điện tử hoặc số điện thoại của tài khoản").fill(EMAIL)
    page.get_by_role("button", name="Gửi mã").click()
    expect(page.get_by_role("heading", name="Đặt mật khẩu mới")).to_be_visible()
    artifacts(page, journey, "08-reset-requested")

    wait_until_sent(celery_processes, event="accounts.password_reset")
    reset_code = code_in_mailbox(page, base, subject="Mã đặt lại mật khẩu")
    page.goto(base + "/tai-khoan/quen-mat-khau/nhap-ma/")
    expect(page.get_by_label("Thư điện tử hoặc số điện thoại")).to_have_value(EMAIL)
    page.get_by_label("Mã xác minh").fill(reset_code)
    page.get_by_label(re.compile(r"^Mật khẩu mới")).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đặt mật khẩu mới").click()
    expect(page.locator(".messages")).to_contain_text("Đã đặt mật khẩu mới")
    artifacts(page, journey, "09-password-reset")

    page.get_by_label("Thư điện tử hoặc số điện thoại").fill(EMAIL)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".error-summary")).to_contain_text("không đúng")  # the old password no longer works
    page.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("link", name=re.compile("Nguyễn Văn An"))).to_be_visible()
    artifacts(page, journey, "10-logged-in-with-new-password")

    # The security notice of the reset went out too.
    wait_until_sent(celery_processes, event="accounts.password_changed")


def totp_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_officer_logs_in_with_totp_and_another_enrols_an_app(page: Page, live_server, settings, artifacts):
    settings.OTP_REQUIRED_FOR_OFFICERS = True
    cache.clear()
    base = live_server.url
    journey = "accounts-officer-totp"
    centre = AgencyFactory(code="000.00.01.H41", name="Trung tâm Phục vụ hành chính công tỉnh Long An")
    officer = OfficerFactory(email="motcua.tinh@longan.gov.vn", full_name="Lê Thị Cúc")
    OfficerPostFactory(user=officer, agency=centre, role=OfficerPost.Role.RECEIVER)
    device = enrol_totp(officer, key=KEY)  # as seed_demo does

    page.goto(base + "/tai-khoan/dang-nhap/")
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill("motcua.tinh@longan.gov.vn")
    page.get_by_label("Mật khẩu").fill("mat-khau-an-toan-123")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Xác thực hai lớp")).to_be_visible()
    artifacts(page, journey, "01-totp-step")

    page.get_by_label("Mã xác thực").fill(f"{(int(totp_code(device)) + 1) % 10**6:06d}")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".error-summary")).to_contain_text("Mã xác thực không đúng")
    artifacts(page, journey, "02-wrong-code")

    page.wait_for_timeout(2100)  # django-otp makes the next try wait a moment after a failure
    page.get_by_label("Mã xác thực").fill(totp_code(device))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("link", name=re.compile("Lê Thị Cúc"))).to_be_visible()
    expect(page.get_by_role("navigation", name="Chức năng")).to_contain_text("Xác thực danh tính")
    artifacts(page, journey, "03-signed-in")
    page.get_by_role("button", name="Đăng xuất").click()

    # A new officer: the first login enrols an authenticator app from an inline SVG QR code.
    OfficerFactory(email="chuyenvien.tuphap@longan.gov.vn", full_name="Phạm Văn Dũng")
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill("chuyenvien.tuphap@longan.gov.vn")
    page.get_by_label("Mật khẩu").fill("mat-khau-an-toan-123")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Kích hoạt xác thực hai lớp")).to_be_visible()
    expect(page.locator("svg.otp-qr")).to_be_visible()
    qr_png = artifacts(page, journey, "04-enrol-qr")
    # The inline SVG is a real QR code: it decodes to the otpauth:// URL carrying the key shown beside it.
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(qr_png)], capture_output=True, text=True, check=True).stdout
    shown_key = page.locator("#otp-secret").inner_text().replace(" ", "")
    assert decoded.startswith("otpauth://totp/") and f"secret={shown_key}&" in decoded

    new_device = TOTPDevice.objects.get(user__email="chuyenvien.tuphap@longan.gov.vn", confirmed=False)
    page.get_by_label("Mã xác thực").fill(totp_code(new_device))
    page.get_by_role("button", name="Kích hoạt").click()
    expect(page.get_by_role("heading", name="Mã dự phòng")).to_be_visible()
    expect(page.locator(".backup-codes li")).to_have_count(10)
    artifacts(page, journey, "05-backup-codes")
    page.get_by_role("button", name="Tôi đã lưu các mã, tiếp tục").click()
    expect(page.get_by_role("link", name=re.compile("Phạm Văn Dũng"))).to_be_visible()
    artifacts(page, journey, "06-enrolled-and-signed-in")
