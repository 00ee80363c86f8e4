"""Demo-data steps (dữ liệu mẫu). Each app registers its step in AppConfig.ready(); `manage.py seed_demo` runs them.

Every step must be idempotent: running seed_demo twice leaves the same data (get_or_create / update_or_create
on natural keys), so `make run` can call it on every start. A step receives a ``log(line)`` callable and runs
inside its own transaction.

    from portal import seed
    seed.register("procedures", seed_procedures, order=20)   # name, step
    seed.register(seed_procedures, order=20)                 # the name defaults to the function's module
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

SeedStep = Callable[[Callable[[str], None]], None]  # receives a `log(line)` callable


@dataclass(frozen=True)
class RegisteredStep:
    name: str
    order: int
    run: SeedStep


_STEPS: dict[str, RegisteredStep] = {}


def register(name_or_step: str | SeedStep, step: SeedStep | None = None, *, order: int) -> None:
    """Register a seed step under a unique name; registering the same name again replaces it (ready() may rerun)."""
    if step is None:
        if isinstance(name_or_step, str):
            raise TypeError("register(name, step, *, order) needs a step callable")
        step = name_or_step
        name = f"{step.__module__}.{step.__qualname__}"
    else:
        if not isinstance(name_or_step, str):
            raise TypeError("register(name, step, *, order): the name comes first")
        name = name_or_step
    if not callable(step):
        raise TypeError(f"seed step {name!r} is not callable")
    _STEPS[name] = RegisteredStep(name, order, step)


def steps() -> list[RegisteredStep]:
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))


# Demo logins printed by seed_demo and serve_demo: (role label, login). All share DEMO_PASSWORD.
# Steps declare them when they register (so serve_demo can print them without seeding).
DEMO_PASSWORD = "MotCua@2026"  # noqa: S105 — the published demo password, never a real account
DEMO_LOGINS: list[tuple[str, str]] = []

# One TOTP secret for every demo officer, so the demo can be used with two-factor login switched on
# (OTP_REQUIRED_FOR_OFFICERS). Hex for django-otp; DEMO_TOTP_BASE32 is what an authenticator app takes.
DEMO_TOTP_KEY_HEX = "4d6f7443756144656d6f546f74704b6579323032"  # 20 bytes: b"MotCuaDemoTotpKey202"
DEMO_TOTP_BASE32 = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()


def add_demo_login(label: str, login: str) -> None:
    if (label, login) not in DEMO_LOGINS:
        DEMO_LOGINS.append((label, login))


def demo_login_lines() -> list[str]:
    """The demo logins that exist in the database, ready to print (password and TOTP key included)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import User

    logins = [login for _label, login in DEMO_LOGINS]
    existing = set(User.objects.filter(email__in=logins).values_list("email", flat=True))
    rows = [(str(label), login) for label, login in DEMO_LOGINS if login in existing]
    if not rows:
        return ["Chưa có tài khoản demo: chạy `manage.py seed_demo`."]
    width = max(len(login) for _label, login in rows)
    lines = [f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):"]
    lines += [f"  {login:<{width}}  {label}" for label, login in rows]
    if TOTPDevice.objects.filter(user__email__in=existing, key=DEMO_TOTP_KEY_HEX).exists():
        lines.append(f"Mã bí mật TOTP của cán bộ demo (nhập vào ứng dụng xác thực): {DEMO_TOTP_BASE32}")
    return lines
