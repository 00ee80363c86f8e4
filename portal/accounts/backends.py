"""Login by e-mail address or phone number (đăng nhập bằng thư điện tử hoặc số điện thoại)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from portal.accounts.validators import normalize_phone
from portal.models import User


def normalize_login(login: str | None) -> str:
    """One spelling per account: e-mail in lower case, phone as 0xxxxxxxxx; anything else as typed (trimmed).

    '+84 912 345 678' and '0912345678' are one login; 'An@X.vn' and 'an@x.vn' too.
    """
    login = (login or "").strip()
    if "@" in login:
        return login.lower()
    try:
        return normalize_phone(login)
    except ValueError:
        return login


def lockout_key(login: str | None) -> str:
    """The name failures are counted under: the account's own login label when the login is an account's (its
    e-mail and its phone share one counter), else the normalised login as typed."""
    login = normalize_login(login)
    user = User.objects.find_by_login(login) if login else None
    return user.login_label if user is not None else login


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """``AXES_USERNAME_CALLABLE``: the lock-out counter of this attempt (see :func:`lockout_key`).

    The second step of a TOTP login posts no username: the login of the password step travels on the request
    (``request.motcua_login``), so that a completed login still resets the failure counter.
    """
    raw = (credentials or {}).get("username")
    if not raw and request is not None:
        raw = getattr(request, "motcua_login", None) or request.POST.get("username")
    return lockout_key(raw)


class EmailOrPhoneBackend(ModelBackend):
    """Authenticates with ``username`` = an e-mail address or a Vietnamese mobile number, and a password."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        login = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if not login or password is None:
            return None
        user = User.objects.find_by_login(normalize_login(login))
        if user is None:
            # Run the hasher anyway, so that response time does not tell whether an account exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
