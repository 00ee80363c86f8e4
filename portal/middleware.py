"""Officers and administrators must pass TOTP two-factor login when the setting requires it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/static/", "/tai-khoan/xac-thuc-hai-lop/", "/tai-khoan/dang-xuat/", "/i18n/")


def needs_second_factor(user: object) -> bool:
    if not settings.OTP_REQUIRED_FOR_OFFICERS or not getattr(user, "is_authenticated", False):
        return False
    if not (getattr(user, "is_officer", False) or getattr(user, "is_staff", False)):
        return False
    return not user.is_verified()


class OfficerTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_second_factor(request.user) and not request.path.startswith(EXEMPT_PREFIXES):
            return redirect(f"{reverse('accounts:otp')}?next={request.get_full_path()}")
        return self.get_response(request)
