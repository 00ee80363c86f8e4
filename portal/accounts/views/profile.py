"""The person's own account page (thông tin tài khoản): details, contacts, notification channels, security."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from portal.accounts.forms import ContactChangeForm, ProfileForm
from portal.accounts.services import (
    locked_fields,
    pending_verifications,
    profile_data,
    request_change,
    totp,
    update_profile,
)
from portal.exceptions import PortalError

from .common import add_portal_error

# Lazy: built at import time, shown in the language of each request.
CHANNEL_LABELS = {"email": gettext_lazy("thư điện tử"), "sms": gettext_lazy("số điện thoại")}


@login_required
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def profile_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    locked = locked_fields(user)
    initial = profile_data(user).__dict__
    form = ProfileForm(request.POST or None, user=user, locked=locked, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_profile(user=user, data=form.data_object(), request=request)
        except PortalError as exc:
            add_portal_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin.") if changed else _("Không có thay đổi nào."))
            return redirect("accounts:profile")
    pending = {p.channel: p for p in pending_verifications(user)}
    context = {
        "form": form,
        "pending": pending,
        "contacts": [
            {
                "channel": "email",
                "label": _("Thư điện tử"),
                "address": user.email,
                "verified": bool(user.email_verified_at),
                "pending": pending.get("email"),
            },
            {
                "channel": "sms",
                "label": _("Số điện thoại"),
                "address": user.phone,
                "verified": bool(user.phone_verified_at),
                "pending": pending.get("sms"),
            },
        ],
        "uses_totp": user.is_officer or user.is_staff,
        "otp_required": settings.OTP_REQUIRED_FOR_OFFICERS,
        "has_totp": totp.has_totp(user),
        "backup_codes_left": totp.backup_codes_left(user),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def contact_change_view(request: HttpRequest, channel: str) -> HttpResponse:
    if channel not in CHANNEL_LABELS:
        raise Http404
    form = ContactChangeForm(request.POST or None, initial={"channel": channel})
    form.fields["new_address"].label = _("Thư điện tử mới") if channel == "email" else _("Số điện thoại di động mới")
    if request.method == "POST" and form.is_valid():
        try:
            issued = request_change(
                user=request.user,
                channel=channel,
                new_address=form.cleaned_data["new_address"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except PortalError as exc:
            add_portal_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã gửi mã xác minh tới %(address)s. Địa chỉ mới có hiệu lực sau khi bạn nhập mã.")
                % {"address": issued.row.destination},
            )
            return redirect("accounts:verify")
    return render(
        request,
        "accounts/contact_change.html",
        {"form": form, "channel": channel, "what": CHANNEL_LABELS[channel]},
    )
