"""What the officers' pages share: who may open them, the dossier an officer may see (else 404), file responses,
and turning a refusal (``PortalError``) into a message on the page rather than an error page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.text import slugify

from dossiers.models import Dossier
from dossiers.selectors import desk as desk_selectors
from portal.permissions import may_somewhere


def officer_required(*actions: str) -> Callable:
    """Signed in (else the login page), and holding a post for one of ``actions`` somewhere: else 403 on a list
    page, and 404 on a dossier's page (``pk`` in the URL): a citizen sees only their own objects, and a dossier an
    officer may not see does not exist for them."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(may_somewhere(request.user, action) for action in actions):
                if "pk" in kwargs:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def dossier_or_404(request: HttpRequest, pk: int) -> Dossier:
    """The dossier if the signed-in officer works on it; otherwise 404 (a dossier they may not see does not exist
    for them)."""
    dossier = desk_selectors.officer_dossier(user=request.user, pk=pk)
    if dossier is None:
        raise Http404
    return dossier


def pdf_response(field_file: Any, *, filename: str, download: bool) -> HttpResponse:
    """A stored PDF: shown in the browser for printing, or downloaded; never cached by shared caches."""
    handle = field_file.open("rb")
    response = FileResponse(handle, content_type="application/pdf", as_attachment=download, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def safe_filename(*parts: str, suffix: str = ".pdf") -> str:
    return "-".join(slugify(p) or "tep" for p in parts if p) + suffix


def post_values(request: HttpRequest) -> dict[str, str]:
    """The fields of a refused form, to show them again as typed (without the CSRF token)."""
    return {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
