"""Forgotten password (quên mật khẩu) and password change (đổi mật khẩu)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from portal.accounts.backends import normalize_login
from portal.accounts.forms import PasswordChangeForm, ResetRequestForm, ResetWithCodeForm, SetPasswordForm
from portal.accounts.services import change_password, request_reset, reset_with_code, reset_with_link
from portal.accounts.services.codes import Purpose, row_for_link
from portal.exceptions import PortalError

from .common import add_portal_error

RESET_LOGIN_KEY = "motcua_reset_login"
# Lazy: a module-level text is built at import time, before any request has chosen its language.
SENT_MESSAGE = gettext_lazy(
    "Nếu thông tin này thuộc một tài khoản, mã đặt lại mật khẩu đã được gửi tới đó (hiệu lực 15 phút). "
    "Nhập mã cùng mật khẩu mới bên dưới."
)


@csrf_protect
@never_cache
@ratelimit(key="ip", rate="10/h", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def reset_request_view(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login = normalize_login(form.cleaned_data["login"])
        if not getattr(request, "limited", False):
            request_reset(login=login, request=request)
        # Same answer whether the account exists, the request was throttled, or a code went out.
        request.session[RESET_LOGIN_KEY] = login
        messages.info(request, SENT_MESSAGE)
        return redirect("accounts:password_reset_confirm")
    return render(request, "accounts/password_reset.html", {"form": form})


@sensitive_post_parameters("new_password1", "new_password2", "code")
@csrf_protect
@never_cache
@ratelimit(key="ip", rate="30/h", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def reset_confirm_view(request: HttpRequest) -> HttpResponse:
    form = ResetWithCodeForm(request.POST or None, initial={"login": request.session.get(RESET_LOGIN_KEY, "")})
    if request.method == "POST" and form.is_valid():
        if getattr(request, "limited", False):
            form.add_error(None, _("Có quá nhiều lượt thử từ địa chỉ mạng này. Vui lòng thử lại sau."))
        else:
            try:
                reset_with_code(
                    login=form.cleaned_data["login"],
                    code=form.cleaned_data["code"],
                    new_password=form.cleaned_data["new_password1"],
                    request=request,
                )
            except PortalError as exc:
                add_portal_error(form, exc)
            else:
                request.session.pop(RESET_LOGIN_KEY, None)
                messages.success(request, _("Đã đặt mật khẩu mới. Vui lòng đăng nhập."))
                return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@sensitive_post_parameters("new_password1", "new_password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def reset_link_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        row_for_link(token, purpose=Purpose.RESET_PASSWORD)
    except PortalError as exc:
        return render(request, "accounts/password_reset_link.html", {"error": exc.message}, status=410)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reset_with_link(token=token, new_password=form.cleaned_data["new_password1"], request=request)
        except PortalError as exc:
            add_portal_error(form, exc)
        else:
            messages.success(request, _("Đã đặt mật khẩu mới. Vui lòng đăng nhập."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_link.html", {"form": form})


@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = change_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                request=request,
            )
        except PortalError as exc:
            add_portal_error(form, exc)
        else:
            update_session_auth_hash(request, user)  # this session stays signed in; the others end
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})
