"""Login by e-mail or phone, the lock-out after repeated failures (django-axes), and TOTP for officers."""

from __future__ import annotations

import re
import time

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import services
from portal.models import AuditEntry
from tests.factories import CitizenFactory, OfficerFactory, OfficerPostFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-an-toan-123"
LOGIN = reverse("accounts:login")
OTP = reverse("accounts:otp")
KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, as 40 hex characters


def token(device: TOTPDevice, *, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def post_login(client, login: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": login, "password": password, **extra}, REMOTE_ADDR="203.0.113.7")


# --- login by either contact ---


@pytest.mark.parametrize("login", ["an@example.vn", "AN@Example.VN", "0912345678", "+84 912 345 678", "84912345678"])
def test_login_by_email_or_phone_in_any_spelling(client, login):
    CitizenFactory(email="an@example.vn", phone="0912345678")
    response = post_login(client, login)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).count() == 1


def test_backend_refuses_wrong_password_and_inactive_accounts():
    request = RequestFactory().post(LOGIN)
    CitizenFactory(email="an@example.vn")
    CitizenFactory(email="khoa@example.vn", is_active=False)
    assert authenticate(request, username="an@example.vn", password="sai") is None
    assert authenticate(request, username="khoa@example.vn", password=PASSWORD) is None
    assert authenticate(request, username="an@example.vn", password=PASSWORD) is not None


def test_a_failed_login_says_the_same_whether_the_account_exists(client):
    CitizenFactory(email="an@example.vn")
    known = post_login(client, "an@example.vn", "sai-mat-khau")
    unknown = post_login(client, "ai-do@example.vn", "sai-mat-khau")
    text = "Thư điện tử/số điện thoại hoặc mật khẩu không đúng."
    assert known.status_code == unknown.status_code == 200
    assert text in known.content.decode() and text in unknown.content.decode()
    failed = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).order_by("pk")
    assert [e.target_label for e in failed] == ["an@example.vn", "ai-do@example.vn"]
    assert failed[0].ip_address == "203.0.113.7"


def test_a_person_whose_contacts_are_not_proved_is_sent_to_verify_them(client):
    CitizenFactory(email="an@example.vn", email_verified_at=None)
    assert post_login(client, "an@example.vn").url == reverse("accounts:verify")


def test_next_is_followed_only_within_the_site(client):
    CitizenFactory(email="an@example.vn")
    assert post_login(client, "an@example.vn", next="/ho-so/").url == "/ho-so/"
    client.logout()
    assert post_login(client, "an@example.vn", next="https://evil.example/").url == reverse("home")


# --- lock-out (django-axes): AXES_FAILURE_LIMIT = 5 per login and address ---


def test_five_failures_lock_the_login_out_with_a_clear_vietnamese_page(client):
    CitizenFactory(email="an@example.vn", phone="0912345678")
    for spelling in ("an@example.vn", "AN@example.vn", "0912345678", "+84912345678"):
        # One account, one counter: its e-mail and its phone, however they are spelled.
        assert post_login(client, spelling, "sai").status_code == 200
    locked = post_login(client, "an@example.vn", "sai")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khoá đăng nhập" in page
    assert "5 lần liên tiếp" in page
    assert "15 phút" in page
    # Even the right password is refused while locked.
    assert post_login(client, "an@example.vn").status_code == 429
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED_OUT, target_label="an@example.vn").exists()


def test_a_success_resets_the_failure_count(client):
    CitizenFactory(email="an@example.vn")
    for _ in range(4):
        post_login(client, "an@example.vn", "sai")
    assert post_login(client, "an@example.vn").status_code == 302
    client.logout()
    for _ in range(4):
        assert post_login(client, "an@example.vn", "sai").status_code == 200


# --- TOTP for officers and administrators ---


@pytest.fixture
def officer(settings):
    settings.OTP_REQUIRED_FOR_OFFICERS = True
    user = OfficerPostFactory(user=OfficerFactory(email="motcua.tinh@longan.gov.vn")).user
    return user


def test_enrol_totp_is_idempotent_for_a_given_key(officer):
    first = services.enrol_totp(officer, key=KEY)
    again = services.enrol_totp(officer, key=KEY)
    assert first.pk == again.pk and first.confirmed
    other = services.enrol_totp(officer)
    assert TOTPDevice.objects.filter(user=officer).get() == other
    assert AuditEntry.objects.filter(action=AuditEntry.Action.OTP_ENROLLED).count() == 2


def test_an_officer_is_not_signed_in_until_the_totp_code_is_right(client, officer):
    device = services.enrol_totp(officer, key=KEY)
    response = post_login(client, "motcua.tinh@longan.gov.vn", next="/mot-cua/")
    assert response.url == OTP
    assert "_auth_user_id" not in client.session  # only a pending login waits in the session
    assert client.get(reverse("accounts:profile")).status_code == 302

    wrong = client.post(OTP, {"token": f"{(int(token(device)) + 1) % 10**6:06d}"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.OTP_FAILED, target_user=officer).exists()

    with time_machine.travel(time.time() + 30, tick=True):  # django-otp throttles right after a failure
        ok = client.post(OTP, {"token": token(device)})
    assert ok.status_code == 302 and ok.url == "/mot-cua/"
    assert int(client.session["_auth_user_id"]) == officer.pk
    assert client.session["otp_device_id"] == device.persistent_id
    login = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN)
    assert login.data == {"second_factor": True}


def test_a_backup_code_works_once(client, officer):
    services.enrol_totp(officer, key=KEY)
    (code, *_rest) = services.regenerate_backup_codes(officer)
    post_login(client, "motcua.tinh@longan.gov.vn")
    assert client.post(OTP, {"token": code.upper()}).status_code == 302
    client.post(reverse("accounts:logout"))
    post_login(client, "motcua.tinh@longan.gov.vn")
    assert "Mã xác thực không đúng" in client.post(OTP, {"token": code}).content.decode()
    assert StaticToken.objects.filter(device__user=officer).count() == 9


def test_first_login_enrols_an_app_with_an_inline_svg_qr_code(client, officer):
    post_login(client, "motcua.tinh@longan.gov.vn")
    assert client.get(OTP).url == reverse("accounts:otp_setup")
    page = client.get(reverse("accounts:otp_setup")).content.decode()
    assert '<svg role="img" aria-labelledby="otp-qr-title"' in page
    assert "<img" not in page.split("otp-qr-figure")[1].split("</figure>")[0]  # drawn inline, no external image
    secret = re.search(r'<code class="otp-secret" id="otp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert secret.replace(" ", "") == __import__("base64").b32encode(device.bin_key).decode().rstrip("=")

    done = client.post(reverse("accounts:otp_setup"), {"token": token(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert int(client.session["_auth_user_id"]) == officer.pk
    assert AuditEntry.objects.filter(action=AuditEntry.Action.OTP_ENROLLED, target_user=officer).exists()


def test_a_citizen_never_sees_the_enrolment_page(client):
    CitizenFactory(email="an@example.vn")
    post_login(client, "an@example.vn")
    assert client.get(reverse("accounts:otp_setup")).status_code == 404


def test_without_the_setting_an_officer_without_a_device_logs_in_with_the_password(client, officer, settings):
    settings.OTP_REQUIRED_FOR_OFFICERS = False
    assert post_login(client, "motcua.tinh@longan.gov.vn").url == reverse("home")


def test_the_setting_is_the_policy_an_enrolled_app_is_not_asked_for_when_it_is_off(client, officer, settings):
    settings.OTP_REQUIRED_FOR_OFFICERS = False
    services.enrol_totp(officer, key=KEY)
    assert post_login(client, "motcua.tinh@longan.gov.vn").url == reverse("home")


def test_an_officer_signed_in_without_the_second_factor_is_held_at_the_totp_page(client, officer):
    """E.g. signed in before the setting was switched on: every page but the TOTP ones and logout redirects."""
    device = services.enrol_totp(officer, key=KEY)
    client.force_login(officer)
    for path in (reverse("accounts:profile"), "/quan-tri/", "/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith(OTP), path
    assert client.post(OTP, {"token": token(device)}).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_django_admin_requires_the_second_factor_too(client, settings):
    settings.OTP_REQUIRED_FOR_OFFICERS = True
    admin = OfficerFactory(email="admin@longan.gov.vn", is_staff=True, is_superuser=True)
    device = services.enrol_totp(admin, key=KEY)
    # The admin's own login form is not a way around: it sends people to the portal's login.
    response = client.get("/quan-tri/login/?next=/quan-tri/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    post_login(client, "admin@longan.gov.vn")
    assert client.get("/quan-tri/").status_code == 302  # pending: not signed in yet
    client.post(OTP, {"token": token(device)})
    assert client.get("/quan-tri/").status_code == 200


def test_logout_takes_a_post_and_is_audited(client):
    user = CitizenFactory(email="an@example.vn")
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 200  # a page with the button, not a logout
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGOUT, actor=user).exists()
