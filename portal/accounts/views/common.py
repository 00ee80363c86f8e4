"""Helpers shared by the account views."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from portal.exceptions import PortalError


def safe_next(request: HttpRequest, candidate: str | None = None) -> str | None:
    """The ``next`` target when it stays on this site (no open redirect), else None."""
    target = candidate if candidate is not None else (request.POST.get("next") or request.GET.get("next"))
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def after_login_url(request: HttpRequest, user, next_url: str | None = None) -> str:
    from portal.accounts.services import has_verified_contact

    if not user.is_officer and not has_verified_contact(user):
        return resolve_url("accounts:verify")
    return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)


def add_portal_error(form: forms.Form, exc: PortalError, *, field: str | None = None) -> None:
    """Show a service's refusal on the form: its message, and each problem it listed."""
    messages = exc.problems or [exc.message]
    for message in messages:
        form.add_error(field, message)
