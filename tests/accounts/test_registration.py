"""Registration (Bắc Ninh QĐ 13/2018: initial access told by e-mail or SMS) and proving contacts by code or link."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from portal import clock
from portal.accounts import services
from portal.accounts.services import RegistrationData
from portal.accounts.services.codes import TooSoon
from portal.exceptions import PortalError, ValidationProblems
from portal.models import AuditEntry, Message, User, VerificationCode
from tests.accounts.helpers import code_sent_to, link_sent_to, wrong
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))  # Mon 2/3/2026 09:00


def citizen_data(**overrides) -> RegistrationData:
    base = {
        "kind": User.Kind.CITIZEN,
        "full_name": "Nguyễn Văn An",
        "password": "Sen-vang-2026!",
        "email": "NguyenVanAn@Example.VN",
        "phone": "+84 912 345 678",
        "citizen_id": "080090001234",
        "date_of_birth": date(1990, 5, 1),
        "gender": "male",
        "address": "12 Nguyễn Huệ, phường Tân An",
    }
    return RegistrationData(**{**base, **overrides})


def test_a_citizen_registers_at_level_one_with_contacts_to_prove():
    clock.freeze(NOW)
    user = services.register(data=citizen_data())
    assert user.kind == User.Kind.CITIZEN
    assert (user.email, user.phone) == ("nguyenvanan@example.vn", "0912345678")
    assert user.assurance_level == User.Assurance.SELF_REGISTERED
    assert user.email_verified_at is None and user.phone_verified_at is None
    assert user.check_password("Sen-vang-2026!")
    assert (user.notify_by_email, user.notify_by_sms) == (True, False)
    # Each address gets its own code; the e-mail also carries a link and the login name (initial access).
    email = Message.objects.get(recipient="nguyenvanan@example.vn")
    sms = Message.objects.get(recipient="0912345678")
    assert (email.event, sms.event) == ("accounts.verify_email", "accounts.verify_phone")
    assert "Tên đăng nhập: nguyenvanan@example.vn" in email.body
    assert "/tai-khoan/xac-minh/lien-ket/" in email.body
    assert code_sent_to("0912345678") != code_sent_to("nguyenvanan@example.vn")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REGISTERED)
    assert entry.target_user == user and entry.data == {"kind": "citizen", "email": True, "phone": True}
    # Codes are stored only as keyed hashes.
    for row in VerificationCode.objects.all():
        assert code_sent_to(row.destination) not in row.code_hash


def test_a_business_registers_with_its_tax_code_and_phone_only():
    user = services.register(
        data=RegistrationData(
            kind=User.Kind.BUSINESS,
            full_name="Trần Văn Bình",
            organisation_name="Công ty TNHH ABC",
            tax_code="0100109106",
            phone="0987654321",
            password="Sen-vang-2026!",
        )
    )
    assert (user.kind, user.tax_code, user.citizen_id, user.email) == (User.Kind.BUSINESS, "0100109106", None, None)
    assert user.display_name == "Công ty TNHH ABC"
    assert (user.notify_by_email, user.notify_by_sms) == (False, True)
    assert Message.objects.get().recipient == "0987654321"


@pytest.mark.parametrize(
    ("overrides", "field", "problem"),
    [
        ({"email": "", "phone": ""}, "email", "Cần ít nhất một trong hai"),
        ({"phone": "0212345678"}, "phone", "Số điện thoại di động không hợp lệ"),
        ({"citizen_id": ""}, "citizen_id", "Nhập số định danh cá nhân"),
        ({"date_of_birth": date(1991, 5, 1)}, "citizen_id", "Năm sinh trong số định danh không khớp"),
        ({"gender": "female"}, "citizen_id", "Mã giới tính trong số định danh không khớp"),
        ({"password": "12345678"}, "password", ""),
        ({"password": "nguyenvanan"}, "password", ""),
    ],
    ids=["no-contact", "landline", "no-cccd", "cccd-year-vs-birth", "cccd-gender", "numeric-password", "like-email"],
)
def test_registration_problems(overrides, field, problem):
    problems = services.registration_problems(citizen_data(**overrides))
    assert field in problems
    assert problem in " ".join(problems[field])
    with pytest.raises(ValidationProblems):
        services.register(data=citizen_data(**overrides))
    assert not User.objects.exists()


def test_an_address_or_cccd_already_registered_is_refused():
    CitizenFactory(email="nguyenvanan@example.vn", phone="0912345678", citizen_id="080090001234")
    problems = services.registration_problems(citizen_data())
    assert set(problems) >= {"email", "phone", "citizen_id"}


def test_the_code_proves_the_address_and_is_audited():
    user = services.register(data=citizen_data())
    services.confirm_code(user=user, channel="email", code=code_sent_to("nguyenvanan@example.vn"))
    user.refresh_from_db()
    assert user.email_verified_at is not None and user.phone_verified_at is None
    assert services.has_verified_contact(user)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CONTACT_VERIFIED)
    assert entry.data == {"channel": "email", "changed": False}
    assert [p.channel for p in services.pending_verifications(user)] == ["sms"]


def test_a_code_works_once():
    user = services.register(data=citizen_data())
    code = code_sent_to("0912345678")
    services.confirm_code(user=user, channel="sms", code=code)
    with pytest.raises(PortalError, match="không đúng hoặc đã hết hạn"):
        services.confirm_code(user=user, channel="sms", code=code)


def test_five_wrong_codes_lock_the_code_even_the_right_one_after():
    """VERIFICATION_CODE_MAX_ATTEMPTS = 5: a million codes cannot be guessed five at a time."""
    user = services.register(data=citizen_data())
    code = code_sent_to("0912345678")
    messages = []
    for _ in range(5):
        with pytest.raises(PortalError) as refused:
            services.confirm_code(user=user, channel="sms", code=wrong(code))
        messages.append(refused.value.message)
    assert messages[0] == "Mã xác minh không đúng. Bạn còn 4 lần thử."
    assert messages[-1] == "Mã xác minh không đúng. Bạn đã hết lượt thử, hãy yêu cầu mã mới."
    with pytest.raises(PortalError, match="quá số lần"):
        services.confirm_code(user=user, channel="sms", code=code)
    user.refresh_from_db()
    assert user.phone_verified_at is None


def test_a_code_expires_after_fifteen_minutes():
    clock.freeze(NOW)
    user = services.register(data=citizen_data())
    code = code_sent_to("0912345678")
    clock.freeze(NOW + timedelta(minutes=15, seconds=1))
    with pytest.raises(PortalError, match="đã hết hạn"):
        services.confirm_code(user=user, channel="sms", code=code)


def test_a_new_code_needs_a_minute_and_retires_the_old_one():
    clock.freeze(NOW)
    user = services.register(data=citizen_data())
    old = code_sent_to("0912345678")
    with pytest.raises(TooSoon, match="Vui lòng đợi 60 giây"):
        services.send_contact_verification(user=user, channel="sms")
    clock.freeze(NOW + timedelta(seconds=61))
    services.send_contact_verification(user=user, channel="sms")
    new = code_sent_to("0912345678")
    if new != old:  # one chance in a million that they coincide
        with pytest.raises(PortalError):
            services.confirm_code(user=user, channel="sms", code=old)
    services.confirm_code(user=user, channel="sms", code=new)


def test_at_most_five_codes_an_hour_per_address():
    clock.freeze(NOW)
    user = services.register(data=citizen_data(email=""))
    for minute in range(1, 5):
        clock.freeze(NOW + timedelta(minutes=minute * 2))
        services.send_contact_verification(user=user, channel="sms")
    clock.freeze(NOW + timedelta(minutes=12))
    with pytest.raises(TooSoon, match="quá nhiều mã"):
        services.send_contact_verification(user=user, channel="sms")
    clock.freeze(NOW + timedelta(minutes=61))
    services.send_contact_verification(user=user, channel="sms")


def test_the_email_link_proves_the_address_without_signing_in():
    user = services.register(data=citizen_data())
    link = link_sent_to("nguyenvanan@example.vn")
    token = link.rstrip("/").rsplit("/", 1)[1]
    services.confirm_link(token=token)
    user.refresh_from_db()
    assert user.email_verified_at is not None
    with pytest.raises(PortalError, match="không còn hiệu lực"):
        services.confirm_link(token=token)


def test_a_forged_link_is_refused():
    services.register(data=citizen_data())
    row = VerificationCode.objects.get(purpose=VerificationCode.Purpose.VERIFY_EMAIL)
    for token in (f"{row.pk}-{'0' * 40}", "abc", f"{row.pk}", ""):
        with pytest.raises(PortalError):
            services.confirm_link(token=token)


def test_changing_the_email_keeps_the_old_one_until_the_new_one_is_proved():
    clock.freeze(NOW)
    user = CitizenFactory(email="cu@example.vn", email_verified_at=NOW, phone_verified_at=NOW)
    services.request_change(user=user, channel="email", new_address="Moi@Example.vn", password="mat-khau-an-toan-123")
    user.refresh_from_db()
    assert user.email == "cu@example.vn"  # still the proved one
    (pending,) = services.pending_verifications(user)
    assert (pending.channel, pending.address, pending.is_change) == ("email", "moi@example.vn", True)

    services.confirm_code(user=user, channel="email", code=code_sent_to("moi@example.vn"))
    user.refresh_from_db()
    assert (user.email, user.email_verified_at) == ("moi@example.vn", NOW)
    # The old address is told, in case it was not the holder's doing.
    notice = Message.objects.get(recipient="cu@example.vn", event="accounts.contact_changed")
    assert "moi@example.vn" in notice.body
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CONTACT_VERIFIED).get()
    assert entry.data == {"channel": "email", "changed": True}


@pytest.mark.parametrize(
    ("address", "password", "problem"),
    [
        ("moi@example.vn", "sai-mat-khau", "Mật khẩu hiện tại không đúng"),
        ("khac@example.vn", "mat-khau-an-toan-123", "đã được dùng cho một tài khoản khác"),
        ("cu@example.vn", "mat-khau-an-toan-123", "đã là địa chỉ đã xác minh"),
        ("not-an-address", "mat-khau-an-toan-123", "không hợp lệ"),
    ],
    ids=["wrong-password", "taken", "same", "malformed"],
)
def test_a_contact_change_is_refused(address, password, problem):
    user = CitizenFactory(email="cu@example.vn")
    CitizenFactory(email="khac@example.vn")
    with pytest.raises(ValidationProblems, match=problem):
        services.request_change(user=user, channel="email", new_address=address, password=password)
    assert not VerificationCode.objects.exists()


def test_a_phone_taken_while_waiting_for_its_code_is_not_switched_to():
    user = CitizenFactory(phone="0912345678", phone_verified_at=NOW)
    services.request_change(user=user, channel="sms", new_address="0987654321", password="mat-khau-an-toan-123")
    CitizenFactory(phone="0987654321")  # someone else proved it meanwhile
    with pytest.raises(PortalError, match="vừa được một tài khoản khác"):
        services.confirm_code(user=user, channel="sms", code=code_sent_to("0987654321"))
    user.refresh_from_db()
    assert user.phone == "0912345678"
