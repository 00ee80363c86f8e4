"""Two-factor login for officers and administrators (xác thực hai lớp): TOTP apps and one-time backup codes.

django-otp keeps the devices: ``TOTPDevice`` (RFC 6238, 30-second codes, replay and throttling built in) and one
``StaticDevice`` holding single-use backup codes. The QR code of an enrolment is drawn by ``qrcode`` as inline SVG.
"""

from __future__ import annotations

from binascii import unhexlify

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from portal import audit
from portal.exceptions import PortalError
from portal.middleware import second_factor_required
from portal.models import AuditEntry, User

DEVICE_NAME = "Ứng dụng xác thực"
BACKUP_DEVICE_NAME = "Mã dự phòng"
BACKUP_CODES = 10


def has_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_needed_at_login(user: User) -> bool:
    """TOTP is asked at login exactly when OTP_REQUIRED_FOR_OFFICERS requires it for this person (on in production).

    The setting is the policy: with it off (the embedded demo), officers whose app is enrolled (seed_demo enrols
    them) still log in with the password alone, and switching it on needs no other step.
    """
    return second_factor_required(user)


def enrol_totp(user: User, *, key: str | None = None) -> TOTPDevice:
    """A confirmed TOTP device for ``user`` (used by seed_demo and administrators). Idempotent for a given key.

    ``key`` is the secret as 40 hex characters (20 bytes); a random one is made when omitted. Any other TOTP device
    of the user is removed: one authenticator app per person.
    """
    if key is not None:
        unhexlify(key.encode())  # raises on a malformed key
        existing = TOTPDevice.objects.filter(user=user, key=key, confirmed=True).first()
        if existing is not None:
            return existing
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key or default_key(), confirmed=True)
        audit.record(AuditEntry.Action.OTP_ENROLLED, target=user, data={"device": "totp", "by": "administrator"})
    return device


def start_enrolment(user: User) -> TOTPDevice:
    """The unconfirmed device whose QR code the person scans (kept across page reloads until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL of the device as an inline SVG QR code (no script, no external image)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg role="img" aria-labelledby="otp-qr-title" class="otp-qr" ', 1).replace(
        ">", f'><title id="otp-qr-title">{_("Mã QR để thêm tài khoản vào ứng dụng xác thực")}</title>', 1
    )


def secret_for_display(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _throttled_message(device: Device) -> str | None:
    allowed, _info = device.verify_is_allowed()
    if allowed:
        return None
    return _("Bạn đã nhập sai nhiều lần. Vui lòng đợi một lát rồi thử lại.")


def confirm_enrolment(*, user: User, token: str, request=None) -> tuple[TOTPDevice, list[str]]:
    """Confirm the scanned device with its first code; replaces older devices and issues backup codes."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise PortalError(_("Hãy bắt đầu lại việc kích hoạt xác thực hai lớp."))
    throttled = _throttled_message(device)
    if throttled:
        raise PortalError(throttled)
    if not device.verify_token(_digits(token)):
        audit.record(AuditEntry.Action.OTP_FAILED, target=user, request=request, data={"step": "enrolment"})
        raise PortalError(_("Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        backup = regenerate_backup_codes(user)
        audit.record(AuditEntry.Action.OTP_ENROLLED, target=user, request=request, data={"device": "totp"})
    return device, backup


def regenerate_backup_codes(user: User) -> list[str]:
    """New single-use backup codes (the old ones stop working). Shown once; django-otp stores them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    tokens = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in tokens])
    return tokens


def _digits(token: str) -> str:
    return "".join((token or "").split())


def verify(*, user: User, token: str, request=None) -> Device:
    """The device that accepts ``token`` (an app code, or a backup code); PortalError (audited) otherwise."""
    token = _digits(token)
    if not has_totp(user):
        raise PortalError(_("Tài khoản chưa kích hoạt xác thực hai lớp."))
    # Six digits are an app code, anything else a backup code: a backup code tried on the app (or the reverse)
    # would count as a failure and slow the person down.
    app_code = len(token) == 6 and token.isdigit()
    device_model = TOTPDevice if app_code else StaticDevice
    devices: list[Device] = list(device_model.objects.filter(user=user, confirmed=True))
    throttled = None
    for device in devices:
        throttled = throttled or _throttled_message(device)
        if device.verify_token(token.lower() if isinstance(device, StaticDevice) else token):
            return device
    audit.record(AuditEntry.Action.OTP_FAILED, target=user, request=request, data={"step": "login"})
    raise PortalError(throttled or _("Mã xác thực không đúng hoặc đã dùng. Hãy nhập mã mới đang hiện trong ứng dụng."))


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
