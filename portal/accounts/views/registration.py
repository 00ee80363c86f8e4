"""Registration (đăng ký tài khoản) and proving the contacts (xác minh)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from portal.accounts.forms import CodeForm, RegistrationForm
from portal.accounts.services import (
    confirm_code,
    confirm_link,
    pending_verifications,
    register,
    send_contact_verification,
)
from portal.accounts.services.codes import Purpose, row_for_link
from portal.exceptions import PortalError

from .common import add_portal_error

BACKEND = "portal.accounts.backends.EmailOrPhoneBackend"


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@ratelimit(key="ip", rate="20/h", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, _("Có quá nhiều lượt đăng ký từ địa chỉ mạng này. Vui lòng thử lại sau."))
        elif form.is_valid():
            try:
                user = register(data=form.data_object(), request=request)
            except PortalError as exc:
                add_portal_error(form, exc)
            else:
                auth_login(request, user, backend=BACKEND)
                messages.success(
                    request,
                    _("Đã tạo tài khoản. Chúng tôi vừa gửi mã xác minh tới địa chỉ bạn đã khai; nhập mã để hoàn tất."),
                )
                return redirect("accounts:verify")
    return render(request, "accounts/register.html", {"form": form})


CHANNELS = ("email", "sms")


@login_required
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    """Type the code received for each address still to prove; or ask for a new one."""
    user = request.user
    bound: dict[str, CodeForm] = {}
    channel = request.POST.get("channel")
    if request.method == "POST" and channel in CHANNELS:
        if request.POST.get("action") == "resend":
            target = next((p for p in pending_verifications(user) if p.channel == channel), None)
            if target is not None:
                try:
                    send_contact_verification(user=user, channel=channel, address=target.address)
                except PortalError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, _("Đã gửi mã mới tới %(address)s.") % {"address": target.address})
            return redirect("accounts:verify")
        form = CodeForm(request.POST, prefix=channel)
        if form.is_valid():
            try:
                confirm_code(user=user, channel=channel, code=form.cleaned_data["code"], request=request)
            except PortalError as exc:
                add_portal_error(form, exc, field="code")
            else:
                messages.success(request, _("Đã xác minh %(what)s.") % {"what": _label(channel)})
                return redirect("accounts:verify")
        bound[channel] = form
    items = [
        {"pending": p, "form": bound.get(p.channel) or CodeForm(prefix=p.channel), "label": _label(p.channel)}
        for p in pending_verifications(user)
    ]
    return render(request, "accounts/verify.html", {"items": items})


def _label(channel: str) -> str:
    return _("thư điện tử") if channel == "email" else _("số điện thoại")


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def verify_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail. Opening it (a mail scanner may) changes nothing: the button does."""
    try:
        row = row_for_link(token, purpose=Purpose.VERIFY_EMAIL)
    except PortalError as exc:
        return render(request, "accounts/verify_link.html", {"error": exc.message}, status=410)
    if request.method == "POST":
        try:
            confirm_link(token=token, request=request)
        except PortalError as exc:
            return render(request, "accounts/verify_link.html", {"error": exc.message}, status=409)
        messages.success(request, _("Đã xác minh thư điện tử %(address)s.") % {"address": row.destination})
        return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/verify_link.html", {"address": row.destination})
