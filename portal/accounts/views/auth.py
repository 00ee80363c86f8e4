"""Login (đăng nhập), the TOTP step (xác thực hai lớp), logout (đăng xuất).

A login that needs TOTP is not a login until the code is right: after the password only the account id waits in the
session (for ``PENDING_TTL``), so no half-signed-in session ever exists. Officers already signed in when the setting
was switched on are sent to the same TOTP page by ``portal.middleware.OfficerTwoFactorMiddleware``.
"""

from __future__ import annotations

import time

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate, get_user_model, logout
from django.contrib.auth import login as auth_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from portal.accounts.backends import normalize_login
from portal.accounts.forms import LoginForm, TokenForm
from portal.accounts.services import totp
from portal.exceptions import PortalError
from portal.middleware import needs_second_factor

from .common import add_portal_error, after_login_url, safe_next

PENDING_KEY = "motcua_pending_login"
PENDING_TTL = 10 * 60  # seconds to type the TOTP code after the password


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if request.user.is_authenticated and needs_second_factor(request.user):
        return redirect("accounts:otp")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login = normalize_login(form.cleaned_data["username"])
        user = authenticate(request, username=login, password=form.cleaned_data["password"])
        if user is None:
            # The same words whether the account exists or not; a lock-out replaces this page (django-axes).
            form.add_error(None, _("Thư điện tử/số điện thoại hoặc mật khẩu không đúng."))
        elif totp.second_factor_needed_at_login(user):
            request.session.cycle_key()
            request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "login": login,
                "next": next_url or "",
                "at": time.time(),
            }
            return redirect("accounts:otp")
        else:
            auth_login(request, user)
            return redirect(after_login_url(request, user, next_url))
    return render(request, "accounts/login.html", {"form": form, "next": next_url or ""})


def pending_login(request: HttpRequest) -> tuple[object | None, dict]:
    """The account waiting for its TOTP code in this session, if the wait is not over."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_TTL:
        request.session.pop(PENDING_KEY, None)
        return None, {}
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _subject(request: HttpRequest) -> tuple[object | None, dict]:
    """Who is taking the TOTP step: a pending login, or a signed-in officer who still owes it."""
    if request.user.is_authenticated:
        return request.user, {}
    return pending_login(request)


def _complete(request: HttpRequest, user, pending: dict, device) -> str:
    """Finish the login (or the session's verification) with ``device``; returns where to go next."""
    if pending:
        user.backend = pending["backend"]
        user.otp_device = device  # django-otp's user_logged_in receiver stores it in the new session
        request.motcua_login = pending["login"]  # lets django-axes clear the failure counter of this login
        request.session.pop(PENDING_KEY, None)
        auth_login(request, user)
        next_url = safe_next(request, pending.get("next") or None)
    else:
        django_otp.login(request, device)
        next_url = safe_next(request)
    return after_login_url(request, user, next_url)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def otp_view(request: HttpRequest) -> HttpResponse:
    user, pending = _subject(request)
    if user is None:
        messages.info(request, _("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại."))
        return redirect("accounts:login")
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL))
    if not totp.has_totp(user):
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp.verify(user=user, token=form.cleaned_data["token"], request=request)
        except PortalError as exc:
            add_portal_error(form, exc, field="token")
        else:
            return redirect(_complete(request, user, pending, device))
    return render(request, "accounts/otp.html", {"form": form, "subject": user, "next": safe_next(request) or ""})


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, type the first code, keep the backup codes."""
    user, pending = _subject(request)
    if user is None:
        return redirect("accounts:login")
    if not (user.is_officer or user.is_staff):
        raise Http404
    verified_session = request.user.is_authenticated and request.user.is_verified()
    if totp.has_totp(user) and not verified_session:
        # Replacing an enrolled app needs the old one first.
        return redirect("accounts:otp")
    device = totp.start_enrolment(user)
    form = TokenForm(request.POST or None)
    form.fields["token"].help_text = _("Mã 6 chữ số đang hiện trong ứng dụng sau khi quét.")
    if request.method == "POST" and form.is_valid():
        try:
            device, backup_codes = totp.confirm_enrolment(user=user, token=form.cleaned_data["token"], request=request)
        except PortalError as exc:
            add_portal_error(form, exc, field="token")
        else:
            next_url = _complete(request, user, pending, device)
            return render(request, "accounts/backup_codes.html", {"codes": backup_codes, "next": next_url})
    context = {
        "form": form,
        "qr_svg": totp.qr_svg(device),
        "secret": totp.secret_for_display(device),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "accounts/otp_setup.html", context)


@csrf_protect
@never_cache
@require_http_methods(["POST"])
def backup_codes_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated or not request.user.is_verified():
        raise Http404
    codes = totp.regenerate_backup_codes(request.user)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": resolve_url("accounts:profile")})


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """Logging out changes state, so it takes a POST; a GET shows the button (links cannot log anyone out)."""
    if request.method == "POST":
        request.session.pop(PENDING_KEY, None)
        logout(request)
        messages.success(request, _("Bạn đã đăng xuất."))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    if not request.user.is_authenticated and not request.session.get(BACKEND_SESSION_KEY):
        return redirect("home")
    return render(request, "accounts/logout.html")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the lock-out page, saying for how long in minutes (HTTP 429)."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
