"""Verified contacts (xác minh thư điện tử, số điện thoại): prove an address by a code or an e-mail link.

A new address (at registration, or a changed one in the profile) is held by the code row until it is proved: the
account keeps its old, verified address meanwhile, so a typo never locks anyone out and nobody can take over an
address they cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from portal import audit, clock
from portal.accounts.validators import normalize_phone
from portal.exceptions import PortalError, ValidationProblems
from portal.models import AuditEntry, User, VerificationCode
from portal.notifications import notify

from . import codes

Purpose = VerificationCode.Purpose
EMAIL, SMS = "email", "sms"
PURPOSE_BY_CHANNEL = {EMAIL: Purpose.VERIFY_EMAIL, SMS: Purpose.VERIFY_PHONE}
CHANNEL_BY_PURPOSE = {v: k for k, v in PURPOSE_BY_CHANNEL.items()}


def normalize_address(channel: str, address: str) -> str:
    address = (address or "").strip()
    if channel == EMAIL:
        return address.lower()
    try:
        return normalize_phone(address)
    except ValueError:
        raise ValidationProblems(_("Số điện thoại di động không hợp lệ.")) from None


def current_address(user: User, channel: str) -> str | None:
    return user.email if channel == EMAIL else user.phone


def is_verified(user: User, channel: str) -> bool:
    return bool(user.email_verified_at if channel == EMAIL else user.phone_verified_at)


def has_verified_contact(user: User) -> bool:
    """At least one of the account's addresses is proved (submitting dossiers needs one)."""
    return bool((user.email and user.email_verified_at) or (user.phone and user.phone_verified_at))


def address_taken(channel: str, address: str, *, by_other_than: User | None = None) -> bool:
    field = "email__iexact" if channel == EMAIL else "phone"
    qs = User.objects.filter(**{field: address})
    if by_other_than is not None:
        qs = qs.exclude(pk=by_other_than.pk)
    return qs.exists()


def send_verification(
    *, user: User, channel: str, address: str | None = None, welcome: bool = False
) -> codes.IssuedCode:
    """Send a code (and, for e-mail, a link) proving ``address`` (default: the account's current one)."""
    address = normalize_address(channel, address or current_address(user, channel) or "")
    if not address:
        raise PortalError(_("Tài khoản chưa có địa chỉ này."))
    issued = codes.issue_code(user=user, purpose=PURPOSE_BY_CHANNEL[channel], destination=address)
    context = {
        "code": issued.code,
        "expires_minutes": issued.expires_minutes,
        "address": address,
        "welcome": welcome,
        "login": user.login_label,
    }
    if channel == EMAIL:
        context["link"] = codes.verification_link(issued)
    notify(
        user=user,
        event="accounts.verify_email" if channel == EMAIL else "accounts.verify_phone",
        context=context,
        channels=[EMAIL if channel == EMAIL else SMS],
        to=address,
        dedupe_key=f"accounts:code:{issued.row.pk}",
    )
    return issued


@dataclass(frozen=True)
class PendingVerification:
    channel: str
    address: str
    is_change: bool  # a new address replacing the account's current one
    expires_at: object


def pending_verifications(user: User) -> list[PendingVerification]:
    """What the verification page asks for: unproved current addresses and address changes under way."""
    out: list[PendingVerification] = []
    for channel in (EMAIL, SMS):
        row = codes.active_code(user=user, purpose=PURPOSE_BY_CHANNEL[channel])
        current = current_address(user, channel)
        if row is not None and row.destination != current:
            out.append(PendingVerification(channel, row.destination, True, row.expires_at))
        elif current and not is_verified(user, channel):
            out.append(PendingVerification(channel, current, False, row.expires_at if row else None))
    return out


def _apply(row: VerificationCode, *, request=None) -> User:
    """Mark the row's address as proved on its account, switching the account to it if it is a new one."""
    channel = CHANNEL_BY_PURPOSE[row.purpose]
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=row.user_id)
        old = current_address(user, channel)
        old_verified = is_verified(user, channel)
        changed = old != row.destination
        if changed and address_taken(channel, row.destination, by_other_than=user):
            raise PortalError(_("Địa chỉ này vừa được một tài khoản khác sử dụng."))
        now = clock.now()
        if channel == EMAIL:
            user.email, user.email_verified_at = row.destination, now
            fields = ["email", "email_verified_at"]
        else:
            user.phone, user.phone_verified_at = row.destination, now
            fields = ["phone", "phone_verified_at"]
        user.save(update_fields=fields)
        audit.record(
            AuditEntry.Action.CONTACT_VERIFIED,
            target=user,
            request=request,
            data={"channel": channel, "changed": changed},
        )
        if changed and old and old_verified:
            # Tell the previous address, in case the change was not the account holder's doing.
            notify(
                user=user,
                event="accounts.contact_changed",
                context={"channel": channel, "old": old, "new": row.destination, "at": now},
                channels=[channel],
                to=old,
                dedupe_key=f"accounts:contact-changed:{row.pk}",
            )
    return user


def confirm_code(*, user: User, channel: str, code: str, request=None) -> User:
    """Prove the address waiting for verification on ``channel`` with the code the person received."""
    row = codes.check_code(user=user, purpose=PURPOSE_BY_CHANNEL[channel], code=code)
    return _apply(row, request=request)


def confirm_link(*, token: str, request=None) -> User:
    """Prove an e-mail address by the link sent to it (works without being signed in)."""
    row = codes.consume_link(token, purpose=Purpose.VERIFY_EMAIL)
    return _apply(row, request=request)


def request_change(*, user: User, channel: str, new_address: str, password: str, request=None) -> codes.IssuedCode:
    """Start changing (or adding) the account's e-mail or phone: a code goes to the new address.

    The current password is asked, so that a session left open cannot move the account to another address.
    """
    if not user.check_password(password or ""):
        raise ValidationProblems(_("Mật khẩu hiện tại không đúng."))
    address = normalize_address(channel, new_address)
    if channel == EMAIL:
        from django.core.validators import validate_email

        try:
            validate_email(address)
        except Exception:
            raise ValidationProblems(_("Địa chỉ thư điện tử không hợp lệ.")) from None
    if address == current_address(user, channel) and is_verified(user, channel):
        raise ValidationProblems(_("Đây đã là địa chỉ đã xác minh của tài khoản."))
    if address_taken(channel, address, by_other_than=user):
        raise ValidationProblems(_("Địa chỉ này đã được dùng cho một tài khoản khác."))
    issued = send_verification(user=user, channel=channel, address=address)
    audit.record(
        AuditEntry.Action.PROFILE_CHANGED,
        target=user,
        request=request,
        data={"requested_change": channel},
    )
    return issued
