"""Self-registration of citizens and businesses (đăng ký tài khoản), identity assurance level 1.

Bắc Ninh QĐ 13/2018: a person fills in the registration and is told their initial access by e-mail or SMS, as they
chose; here each address given receives a one-time code (and a link for e-mail) that proves it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import audit
from portal.accounts.validators import citizen_id_problems, normalize_phone, tax_code_is_valid
from portal.exceptions import ValidationProblems
from portal.models import AuditEntry, User

from . import contacts
from .codes import TooSoon


@dataclass(frozen=True)
class RegistrationData:
    kind: str  # User.Kind.CITIZEN or User.Kind.BUSINESS
    full_name: str
    password: str
    email: str = ""
    phone: str = ""
    citizen_id: str = ""
    date_of_birth: date | None = None
    gender: str = ""
    organisation_name: str = ""
    tax_code: str = ""
    address: str = ""


def registration_problems(data: RegistrationData) -> dict[str, list[str]]:
    """Field → problems, in Vietnamese. Empty when the registration can go ahead."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if data.kind not in (User.Kind.CITIZEN, User.Kind.BUSINESS):
        add("kind", _("Chọn loại tài khoản: công dân hoặc tổ chức, doanh nghiệp."))
    if not data.full_name.strip():
        add("full_name", _("Nhập họ và tên."))
    email = data.email.strip().lower()
    phone = ""
    if not email and not data.phone.strip():
        add("email", _("Cần ít nhất một trong hai: thư điện tử hoặc số điện thoại."))
    if data.phone.strip():
        try:
            phone = normalize_phone(data.phone)
        except ValueError:
            add("phone", _("Số điện thoại di động không hợp lệ (10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09)."))
    if email and contacts.address_taken(contacts.EMAIL, email):
        add("email", _("Địa chỉ thư điện tử này đã được dùng cho một tài khoản. Hãy đăng nhập hoặc lấy lại mật khẩu."))
    if phone and contacts.address_taken(contacts.SMS, phone):
        add("phone", _("Số điện thoại này đã được dùng cho một tài khoản. Hãy đăng nhập hoặc lấy lại mật khẩu."))
    if data.kind == User.Kind.CITIZEN:
        if not data.citizen_id.strip():
            add("citizen_id", _("Nhập số định danh cá nhân (số CCCD, 12 chữ số)."))
        else:
            for problem in citizen_id_problems(data.citizen_id, date_of_birth=data.date_of_birth, gender=data.gender):
                add("citizen_id", problem)
            if User.objects.filter(citizen_id=data.citizen_id.strip()).exists():
                add("citizen_id", _("Số định danh này đã có tài khoản. Hãy đăng nhập hoặc lấy lại mật khẩu."))
    if data.kind == User.Kind.BUSINESS:
        if not data.organisation_name.strip():
            add("organisation_name", _("Nhập tên tổ chức, doanh nghiệp."))
        if not tax_code_is_valid(data.tax_code):
            add("tax_code", _("Mã số thuế không hợp lệ (10 chữ số, hoặc 10 chữ số-3 chữ số cho chi nhánh)."))
        elif User.objects.filter(tax_code=data.tax_code.strip()).exists():
            add("tax_code", _("Mã số thuế này đã có tài khoản."))
    probe = User(email=email or None, phone=phone or None, full_name=data.full_name)
    try:
        validate_password(data.password, user=probe)
    except ValidationError as exc:
        for message in exc.messages:
            add("password", message)
    return problems


def register(*, data: RegistrationData, request=None) -> User:
    """Create the account (level 1, contacts not yet proved) and send a code to each address given."""
    problems = registration_problems(data)
    if problems:
        raise ValidationProblems(
            _("Thông tin đăng ký chưa hợp lệ."), problems=[p for msgs in problems.values() for p in msgs]
        )
    email = data.email.strip().lower() or None
    phone = normalize_phone(data.phone) if data.phone.strip() else None
    business = data.kind == User.Kind.BUSINESS
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                phone=phone,
                password=data.password,
                kind=data.kind,
                full_name=data.full_name.strip(),
                organisation_name=data.organisation_name.strip() if business else "",
                # A business account is identified by its tax code; its representative's CCCD is not the account's.
                citizen_id=(data.citizen_id.strip() or None) if not business else None,
                tax_code=data.tax_code.strip() if business else None,
                date_of_birth=data.date_of_birth,
                gender=data.gender,
                address=data.address.strip(),
                # Messages go where the person can read them: e-mail if given, else SMS.
                notify_by_email=bool(email),
                notify_by_sms=not email,
                language=getattr(request, "LANGUAGE_CODE", "") or "vi",
            )
            audit.record(
                AuditEntry.Action.REGISTERED,
                actor=None,
                target=user,
                request=request,
                data={"kind": data.kind, "email": bool(email), "phone": bool(phone)},
            )
            for channel in (contacts.EMAIL, contacts.SMS):
                if contacts.current_address(user, channel):
                    # TooSoon cannot happen for a new account; a registration is never blocked on it anyway.
                    with contextlib.suppress(TooSoon):
                        contacts.send_verification(user=user, channel=channel, welcome=True)
    except IntegrityError:
        # Two registrations with the same address at once: the other one won.
        raise ValidationProblems(_("Thư điện tử, số điện thoại hoặc số định danh vừa được đăng ký.")) from None
    return user
