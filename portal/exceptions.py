"""Errors a person reads, mapped once to HTML messages and once to API responses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class PortalError(Exception):
    """A refusal with a message in the user's language; nothing was changed."""

    http_status = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, problems: list[str] | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.problems = [str(p) for p in (problems or [])]
        if code:
            self.code = code


class InvalidTransition(PortalError):
    http_status = status.HTTP_409_CONFLICT
    code = "invalid_transition"


class ConcurrentChange(PortalError):
    """Another officer is acting on (or just acted on) the same object."""

    http_status = status.HTTP_409_CONFLICT
    code = "concurrent_change"


class NotAllowed(PortalError):
    http_status = status.HTTP_403_FORBIDDEN
    code = "not_allowed"


class ValidationProblems(PortalError):
    http_status = status.HTTP_400_BAD_REQUEST
    code = "validation"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, PortalError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.problems:
            body["problems"] = exc.problems
        return Response(body, status=exc.http_status)
    if isinstance(exc, (Http404, PermissionDenied)):
        return exception_handler(exc, context)
    return exception_handler(exc, context)
