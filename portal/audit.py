"""The one entry point for writing the security audit log (nhật ký bảo mật).

``record`` appends one row. Views pass ``request``; code that runs deeper (signal receivers, services called from the
admin) may leave it out: the request being served is bound by :class:`portal.middleware.AuditContextMiddleware`, so
its IP, user agent and signed-in user are still recorded. Celery tasks have no request: their entries have no actor.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest

from portal.models import AuditEntry, User

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "motcua_audit_request", default=None
)


class _FromRequest:
    """Default of ``actor``: the user signed in on the request being served (none outside a request)."""

    def __repr__(self) -> str:
        return "FROM_REQUEST"


FROM_REQUEST: Any = _FromRequest()


@contextmanager
def bound_request(request: HttpRequest) -> Iterator[None]:
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind the reverse proxy the first X-Forwarded-For hop is the client (the proxy sets it).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


def _request_user(request: HttpRequest | None) -> User | None:
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


def record(
    action: str,
    *,
    actor: User | None = FROM_REQUEST,
    target: User | None = None,
    target_label: str = "",
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry. Never put passwords, codes or document contents in ``data``.

    ``actor`` defaults to the user signed in on the request; pass ``actor=None`` for the system or an anonymous
    visitor (a failed login, say).
    """
    request = request if request is not None else current_request()
    if actor is FROM_REQUEST:
        actor = _request_user(request)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=(actor.login_label or actor.display_name)[:255] if actor else "",
        target_user=target,
        target_label=(target_label or (target.login_label if target else ""))[:255],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:255] if request else ""),
        data=data or {},
    )
