"""The person's own profile (thông tin cá nhân): name, identity details, address, notification channels.

Contacts are changed through ``contacts.request_change`` (a new address must be proved). Once an officer has
verified the identity in person (level 2), the identity details are locked: only an officer can correct them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from portal import audit
from portal.accounts.validators import citizen_id_problems
from portal.exceptions import ValidationProblems
from portal.models import AuditEntry, User

IDENTITY_FIELDS = ("full_name", "citizen_id", "date_of_birth", "gender")


@dataclass(frozen=True)
class ProfileData:
    full_name: str
    citizen_id: str
    date_of_birth: date | None
    gender: str
    organisation_name: str
    address: str
    notify_by_email: bool
    notify_by_sms: bool
    notify_by_zalo: bool


def profile_data(user: User) -> ProfileData:
    return ProfileData(
        full_name=user.full_name,
        citizen_id=user.citizen_id or "",
        date_of_birth=user.date_of_birth,
        gender=user.gender,
        organisation_name=user.organisation_name,
        address=user.address,
        notify_by_email=user.notify_by_email,
        notify_by_sms=user.notify_by_sms,
        notify_by_zalo=user.notify_by_zalo,
    )


def locked_fields(user: User) -> tuple[str, ...]:
    return IDENTITY_FIELDS if user.assurance_level >= User.Assurance.VERIFIED else ()


def profile_problems(user: User, data: ProfileData) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not data.full_name.strip():
        add("full_name", _("Nhập họ và tên."))
    citizen_id = (data.citizen_id or "").strip()
    if user.kind == User.Kind.CITIZEN and not citizen_id:
        add("citizen_id", _("Nhập số định danh cá nhân (số CCCD, 12 chữ số)."))
    if citizen_id:
        for problem in citizen_id_problems(citizen_id, date_of_birth=data.date_of_birth, gender=data.gender):
            add("citizen_id", problem)
        if User.objects.filter(citizen_id=citizen_id).exclude(pk=user.pk).exists():
            add("citizen_id", _("Số định danh này đã thuộc một tài khoản khác."))
    if user.kind == User.Kind.BUSINESS and not data.organisation_name.strip():
        add("organisation_name", _("Nhập tên tổ chức, doanh nghiệp."))
    if not (data.notify_by_email or data.notify_by_sms or data.notify_by_zalo):
        add("notify_by_email", _("Chọn ít nhất một kênh nhận thông báo."))
    if data.notify_by_email and not user.email:
        add("notify_by_email", _("Tài khoản chưa có thư điện tử để nhận thông báo."))
    if (data.notify_by_sms or data.notify_by_zalo) and not user.phone:
        add("notify_by_sms", _("Tài khoản chưa có số điện thoại để nhận SMS hoặc Zalo."))
    return problems


def update_profile(*, user: User, data: ProfileData, request=None) -> list[str]:
    """Save the changes; returns the names of the fields that changed (audited without their values)."""
    locked = locked_fields(user)
    # Identity details of a verified account keep their verified values, whatever the form sent.
    data = ProfileData(
        **{f.name: getattr(user, f.name) if f.name in locked else getattr(data, f.name) for f in fields(data)}
    )
    problems = profile_problems(user, data)
    if problems:
        raise ValidationProblems(
            _("Thông tin chưa hợp lệ."), problems=[p for messages in problems.values() for p in messages]
        )
    changed = []
    for f in fields(data):
        value = getattr(data, f.name)
        if isinstance(value, str):
            value = value.strip()
        if f.name == "citizen_id":
            value = value or None
        if f.name == "organisation_name" and user.kind != User.Kind.BUSINESS:
            continue
        if getattr(user, f.name) != value:
            setattr(user, f.name, value)
            changed.append(f.name)
    if changed:
        with transaction.atomic():
            user.save(update_fields=changed)
            audit.record(AuditEntry.Action.PROFILE_CHANGED, target=user, request=request, data={"fields": changed})
    return changed
