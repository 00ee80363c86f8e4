"""The desk page that raises a person's identity assurance to level 2 (xác thực danh tính trực tiếp)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from portal.accounts.forms import IdentityCheckForm, IdentitySearchForm
from portal.accounts.services import IdentityCheck, find_accounts, raise_assurance
from portal.exceptions import PortalError
from portal.models import Agency, User
from portal.permissions import agency_ids_where, may_somewhere

from .common import add_portal_error

ACTION = "identity.verify"


def _require_verifier(request: HttpRequest) -> None:
    if not may_somewhere(request.user, ACTION):
        raise PermissionDenied


def _agencies(user: User) -> QuerySet[Agency]:
    ids = agency_ids_where(user, ACTION)
    agencies = Agency.objects.active()
    return agencies if ids is None else agencies.filter(pk__in=ids)


@login_required
@never_cache
@require_http_methods(["GET"])
def identity_search_view(request: HttpRequest) -> HttpResponse:
    _require_verifier(request)
    form = IdentitySearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = list(find_accounts(query=form.cleaned_data["q"]))
    return render(request, "accounts/identity_search.html", {"form": form, "results": results})


@login_required
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def identity_check_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_verifier(request)
    account = get_object_or_404(User, pk=pk, kind__in=[User.Kind.CITIZEN, User.Kind.BUSINESS])
    agencies = _agencies(request.user)
    form = IdentityCheckForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            raise_assurance(
                officer=request.user,
                account=account,
                agency=c["agency"],
                check=IdentityCheck(
                    document_number=c["document_number"],
                    date_of_birth=c.get("date_of_birth"),
                    gender=c.get("gender") or "",
                    note=c.get("note") or "",
                ),
                request=request,
            )
        except PortalError as exc:
            add_portal_error(form, exc)
        else:
            messages.success(
                request, _("Đã nâng tài khoản %(name)s lên mức 2 (đã xác thực trực tiếp).") % {"name": account}
            )
            return redirect("accounts:identity")
    return render(request, "accounts/identity_check.html", {"form": form, "account": account})
