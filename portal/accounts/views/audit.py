"""The audit log for administrators (nhật ký bảo mật): read and filter, never edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from portal.accounts.filters import AuditEntryFilter
from portal.models import AuditEntry

PAGE_SIZE = 50


@login_required
@never_cache
@vary_on_headers("HX-Request")
@require_http_methods(["GET"])
def audit_log_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    entries = AuditEntryFilter(request.GET or None, queryset=AuditEntry.objects.select_related("actor", "target_user"))
    page = Paginator(entries.qs.order_by("-at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": entries, "page": page, "query": query.urlencode()}
    template = "accounts/audit_log.html#results" if request.htmx else "accounts/audit_log.html"
    return render(request, template, context)
