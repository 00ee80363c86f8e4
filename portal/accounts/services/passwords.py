"""Passwords: reset by a code or link sent to a contact (quên mật khẩu), and change while signed in (đổi mật khẩu).

The reset flow never tells whether an account exists: asking always answers the same, and a wrong login or a wrong
code fail with the same message. A reset also proves the address the code went to, lifts the lock-out of the
account's logins, ends its other sessions (the password hash changes) and tells the person by every verified contact.
"""

from __future__ import annotations

import logging

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal import audit, clock
from portal.accounts.backends import lockout_key, normalize_login
from portal.exceptions import PortalError, ValidationProblems
from portal.models import AuditEntry, User, VerificationCode
from portal.notifications import notify

from . import codes, contacts

log = logging.getLogger("motcua.accounts")
Purpose = VerificationCode.Purpose


def _password_problems(password: str, user: User | None) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _channel_for_login(login: str) -> str:
    return contacts.EMAIL if "@" in login else contacts.SMS


def request_reset(*, login: str, request=None) -> None:
    """Send a reset code to ``login`` (an e-mail address or phone number) if it belongs to an active account.

    Returns nothing and raises nothing a visitor could tell apart: unknown logins and throttled requests are
    silent (the throttle is logged).
    """
    login = normalize_login(login)
    user = User.objects.find_by_login(login)
    if user is None or not user.is_active:
        return
    channel = _channel_for_login(login)
    address = contacts.current_address(user, channel)
    try:
        issued = codes.issue_code(user=user, purpose=Purpose.RESET_PASSWORD, destination=address)
    except codes.TooSoon:
        log.info("password reset for user %s throttled", user.pk)
        return
    context = {"code": issued.code, "expires_minutes": issued.expires_minutes, "login": address}
    if channel == contacts.EMAIL:
        context["link"] = codes.reset_link(issued)
    notify(
        user=user,
        event="accounts.password_reset",
        context=context,
        channels=[channel],
        to=address,
        dedupe_key=f"accounts:code:{issued.row.pk}",
    )


def _finish_reset(*, row: VerificationCode, new_password: str, request=None) -> User:
    from axes.utils import reset as axes_reset

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=row.user_id)
        user.set_password(new_password)
        fields = ["password"]
        # The code reached this address: it is proved.
        now = clock.now()
        if row.destination == user.email and not user.email_verified_at:
            user.email_verified_at = now
            fields.append("email_verified_at")
        if row.destination == user.phone and not user.phone_verified_at:
            user.phone_verified_at = now
            fields.append("phone_verified_at")
        user._audit_recorded = True  # the entry below says more than the generic password-change hook would
        user.save(update_fields=fields)
        audit.record(
            AuditEntry.Action.PASSWORD_RESET,
            actor=None,
            target=user,
            request=request,
            data={"channel": _channel_for_login(row.destination)},
        )
        _tell_password_changed(user, reason="reset", dedupe=f"reset:{row.pk}")
    axes_reset(username=lockout_key(user.login_label))
    return user


def reset_with_code(*, login: str, code: str, new_password: str, request=None) -> User:
    """Set a new password with the code sent to ``login``. One message for every failure (no account oracle)."""
    login = normalize_login(login)
    user = User.objects.find_by_login(login)
    problems = _password_problems(new_password, user)
    if problems:
        raise ValidationProblems(_("Mật khẩu mới chưa đạt yêu cầu."), problems=problems)
    if user is None or not user.is_active:
        raise PortalError(_(codes.WRONG_OR_EXPIRED), code="code_invalid")
    row = codes.check_code(
        user=user,
        purpose=Purpose.RESET_PASSWORD,
        code=code,
        destination=contacts.current_address(user, _channel_for_login(login)),
        reveal_attempts=False,
    )
    return _finish_reset(row=row, new_password=new_password, request=request)


def reset_with_link(*, token: str, new_password: str, request=None) -> User:
    row = codes.row_for_link(token, purpose=Purpose.RESET_PASSWORD)
    problems = _password_problems(new_password, row.user)
    if problems:
        raise ValidationProblems(_("Mật khẩu mới chưa đạt yêu cầu."), problems=problems)
    row = codes.consume_link(token, purpose=Purpose.RESET_PASSWORD)
    return _finish_reset(row=row, new_password=new_password, request=request)


def change_password(*, user: User, old_password: str, new_password: str, request=None) -> User:
    """Change the password of a signed-in person, who proves it is them with the current one."""
    if not user.check_password(old_password or ""):
        raise ValidationProblems(_("Mật khẩu hiện tại không đúng."), problems=[_("Mật khẩu hiện tại không đúng.")])
    problems = _password_problems(new_password, user)
    if problems:
        raise ValidationProblems(_("Mật khẩu mới chưa đạt yêu cầu."), problems=problems)
    with transaction.atomic():
        user.set_password(new_password)
        user._audit_recorded = True
        user.save(update_fields=["password"])
        audit.record(AuditEntry.Action.PASSWORD_CHANGED, target=user, request=request, data={"by": "self"})
        _tell_password_changed(user, reason="change", dedupe=f"change:{user.pk}:{clock.now().timestamp()}")
    return user


def _tell_password_changed(user: User, *, reason: str, dedupe: str) -> None:
    at = clock.now()
    for channel in (contacts.EMAIL, contacts.SMS):
        address = contacts.current_address(user, channel)
        if address and contacts.is_verified(user, channel):
            notify(
                user=user,
                event="accounts.password_changed",
                context={"reason": reason, "at": at},
                channels=[channel],
                to=address,
                dedupe_key=f"accounts:password-changed:{dedupe}:{channel}",
            )
