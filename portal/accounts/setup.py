"""Wiring of accounts, notifications and the audit log, called once from ``PortalConfig.ready()``."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def ready() -> None:
    from portal import navigation
    from portal.accounts import signals  # noqa: F401  (connects the audit receivers)
    from portal.permissions import may_somewhere

    navigation.register(
        _("Xác thực danh tính"),
        "accounts:identity",
        audience=lambda user: may_somewhere(user, "identity.verify"),
        order=700,
    )
    navigation.register(
        _("Nhật ký bảo mật"),
        "accounts:audit_log",
        audience=lambda user: bool(getattr(user, "is_superuser", False)),
        order=950,
    )
    navigation.register(
        _("Hộp thư trình diễn"),
        "notifications:demo_mailbox",
        audience=lambda user: bool(settings.DEMO_MODE),
        order=990,
    )
    from django.contrib import admin

    require_second_factor_in_admin(admin.site)


def require_second_factor_in_admin(site: AdminSite) -> None:
    """The Django admin obeys OTP_REQUIRED_FOR_OFFICERS too, and signs people in through the portal's login page
    (with its lock-out and TOTP step) instead of its own form."""
    from portal.middleware import needs_second_factor

    if getattr(site, "_motcua_second_factor", False):
        return
    original = site.has_permission

    @wraps(original)
    def has_permission(request: HttpRequest) -> bool:
        return original(request) and not needs_second_factor(request.user)

    def login(request: HttpRequest, extra_context: object = None) -> HttpResponseRedirect:
        target = request.GET.get("next") or reverse("admin:index", current_app=site.name)
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")

    site.has_permission = has_permission
    site.login = login
    site._motcua_second_factor = True
