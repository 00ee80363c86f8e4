"""Request-wide guards of the kernel: the audit context, and TOTP for officers and administrators."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from portal import audit

# Pages an officer who still owes the second factor may open: the TOTP pages themselves, logging out, the language
# switch and static files. Everything else (the Django admin included) sends them to the TOTP page.
EXEMPT_PREFIXES = ("/static/", "/tai-khoan/xac-thuc-hai-lop/", "/tai-khoan/dang-xuat/", "/i18n/", "/healthz")


def second_factor_required(user: object) -> bool:
    """Whether ``user`` must pass TOTP before using the portal (officers and administrators, when the setting is on)."""
    if not settings.OTP_REQUIRED_FOR_OFFICERS or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_officer", False) or getattr(user, "is_staff", False))


def needs_second_factor(user: object) -> bool:
    """True while a signed-in user who must use TOTP has not passed it in this session."""
    if not second_factor_required(user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


class AuditContextMiddleware:
    """Binds the request for :func:`portal.audit.record`, so signal receivers know who acted and from where."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit.bound_request(request):
            return self.get_response(request)


class OfficerTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_second_factor(request.user) and not request.path.startswith(EXEMPT_PREFIXES):
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
