"""One-time codes (mã xác minh) and e-mail links: issue, check with an attempt limit, consume once.

A code is six random digits, stored only as a keyed hash, valid ``VERIFICATION_CODE_TTL_MINUTES`` and for
``VERIFICATION_CODE_MAX_ATTEMPTS`` wrong guesses. Issuing a new one retires the earlier ones for the same purpose
and address; issuing is throttled per address (a minimum gap and an hourly cap), so guesses stay far below the
million possible codes. An e-mail link carries the code row's id and a keyed signature of its hash: it dies with the
code (used, expired or retired).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from portal import clock
from portal.exceptions import PortalError
from portal.models import User, VerificationCode

Purpose = VerificationCode.Purpose
CODE_DIGITS = 6


def ttl() -> timedelta:
    return timedelta(minutes=getattr(settings, "VERIFICATION_CODE_TTL_MINUTES", 15))


def max_attempts() -> int:
    return getattr(settings, "VERIFICATION_CODE_MAX_ATTEMPTS", 5)


def resend_gap() -> timedelta:
    return timedelta(seconds=getattr(settings, "VERIFICATION_RESEND_SECONDS", 60))


def hourly_cap() -> int:
    return getattr(settings, "VERIFICATION_MAX_PER_HOUR", 5)


def _hash(*, purpose: str, destination: str, code: str) -> str:
    return salted_hmac("motcua.verification-code", f"{purpose}:{destination}:{code}", algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class IssuedCode:
    """A code just issued: the row, and the plain code that goes into the message (never stored)."""

    row: VerificationCode
    code: str

    @property
    def link_token(self) -> str:
        return link_token(self.row)

    @property
    def expires_minutes(self) -> int:
        return int(ttl().total_seconds() // 60)


class TooSoon(PortalError):
    code = "too_soon"


def issue_code(*, user: User, purpose: str, destination: str) -> IssuedCode:
    """A new code for ``user`` to prove they hold ``destination``. Raises TooSoon when asked too often."""
    now = clock.now()
    recent = VerificationCode.objects.filter(user=user, purpose=purpose, destination=destination)
    last = recent.order_by("-created_at").first()
    # created_at is the database's own timestamp; the throttle compares with the same clock plus expires_at.
    if last is not None and last.expires_at - ttl() > now - resend_gap():
        wait = max(1, math.ceil((last.expires_at - ttl() + resend_gap() - now).total_seconds()))
        raise TooSoon(_("Vui lòng đợi %(seconds)s giây trước khi yêu cầu mã mới.") % {"seconds": wait})
    issued_last_hour = recent.filter(expires_at__gt=now - timedelta(hours=1) + ttl()).count()
    if issued_last_hour >= hourly_cap():
        raise TooSoon(_("Bạn đã yêu cầu quá nhiều mã trong một giờ. Vui lòng thử lại sau."))
    # Only the newest code for an address is valid: retire the others (marked used; expires_at keeps the issue time
    # that the throttle above reads).
    recent.filter(used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = VerificationCode.objects.create(
        user=user,
        purpose=purpose,
        destination=destination,
        code_hash=_hash(purpose=purpose, destination=destination, code=code),
        expires_at=now + ttl(),
    )
    return IssuedCode(row=row, code=code)


def active_code(*, user: User, purpose: str, destination: str | None = None) -> VerificationCode | None:
    codes = VerificationCode.objects.filter(
        user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=clock.now()
    )
    if destination is not None:
        codes = codes.filter(destination=destination)
    return codes.order_by("-created_at", "-pk").first()


# Marked for the catalog here, translated where it is raised (in the language of that request).
WRONG_OR_EXPIRED = gettext_noop("Mã xác minh không đúng hoặc đã hết hạn. Hãy kiểm tra lại, hoặc yêu cầu gửi mã mới.")


def check_code(
    *, user: User, purpose: str, code: str, destination: str | None = None, reveal_attempts: bool = True
) -> VerificationCode:
    """Consume the active code if ``code`` matches it; count a wrong guess otherwise.

    Not wrapped in a transaction on purpose: a wrong guess must stay counted even though the caller's change is
    refused. ``reveal_attempts=False`` keeps one message for every failure (password reset must not tell whether
    the account exists).
    """
    row = active_code(user=user, purpose=purpose, destination=destination)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if row is None:
        raise PortalError(_(WRONG_OR_EXPIRED), code="code_invalid")
    counted = VerificationCode.objects.filter(pk=row.pk, used_at__isnull=True, attempts__lt=max_attempts()).update(
        attempts=F("attempts") + 1
    )
    if not counted:
        raise PortalError(
            _(WRONG_OR_EXPIRED)
            if not reveal_attempts
            else _("Bạn đã nhập sai quá số lần cho phép. Hãy yêu cầu gửi mã mới."),
            code="code_locked",
        )
    expected = _hash(purpose=row.purpose, destination=row.destination, code=code)
    if not constant_time_compare(expected, row.code_hash):
        left = max_attempts() - (row.attempts + 1)
        if not reveal_attempts:
            raise PortalError(_(WRONG_OR_EXPIRED), code="code_invalid")
        if left <= 0:
            raise PortalError(_("Mã xác minh không đúng. Bạn đã hết lượt thử, hãy yêu cầu mã mới."), code="code_locked")
        raise PortalError(
            ngettext(
                "Mã xác minh không đúng. Bạn còn %(left)s lần thử.",
                "Mã xác minh không đúng. Bạn còn %(left)s lần thử.",
                left,
            )
            % {"left": left},
            code="code_invalid",
        )
    return _consume(row)


def _consume(row: VerificationCode) -> VerificationCode:
    now = clock.now()
    if not VerificationCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        raise PortalError(_(WRONG_OR_EXPIRED), code="code_invalid")  # a concurrent request used it first
    row.used_at = now
    return row


# --- links in e-mails ---


def link_token(row: VerificationCode) -> str:
    signature = salted_hmac("motcua.verification-link", f"{row.pk}:{row.code_hash}", algorithm="sha256").hexdigest()
    return f"{row.pk}-{signature[:40]}"


def row_for_link(token: str, *, purpose: str) -> VerificationCode:
    """The active code row a link token points to (without consuming it). PortalError when invalid."""
    pk, _sep, _signature = (token or "").partition("-")
    row = (
        VerificationCode.objects.select_related("user").filter(pk=int(pk), purpose=purpose).first()
        if pk.isdigit()
        else None
    )
    if (
        row is None
        or not constant_time_compare(link_token(row), token)
        or row.used_at is not None
        or row.expires_at <= clock.now()
        or row.attempts >= max_attempts()
    ):
        raise PortalError(
            _("Đường dẫn không còn hiệu lực (đã dùng, đã hết hạn hoặc đã có mã mới hơn). Hãy yêu cầu gửi lại."),
            code="link_invalid",
        )
    return row


def consume_link(token: str, *, purpose: str) -> VerificationCode:
    return _consume(row_for_link(token, purpose=purpose))


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def verification_link(issued: IssuedCode) -> str:
    return absolute_url(reverse("accounts:verify_link", args=[issued.link_token]))


def reset_link(issued: IssuedCode) -> str:
    return absolute_url(reverse("accounts:password_reset_link", args=[issued.link_token]))
