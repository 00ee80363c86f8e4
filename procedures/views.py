"""Public catalogue pages: list and search, a procedure's page, form templates, help; the e-form preview."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from portal.permissions import may
from procedures import divisions, hooks, search, selectors
from procedures.eform import answers, build_form
from procedures.models import Component, ProcedureVersion

PAGE_SIZE = 20


@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    """Danh mục thủ tục: filters and accent-insensitive search; htmx swaps only the results."""
    filterset = selectors.procedure_search(params=request.GET, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filter": filterset,
        "page_obj": page,
        "query": (filterset.form.cleaned_data.get("q") or "") if filterset.form.is_valid() else "",
        "querystring": params.urlencode(),
        "totals": selectors.catalogue_totals(),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
    }
    if not request.htmx:
        response = render(request, "procedures/list.html", context)
    else:
        response = render(request, "procedures/list.html#results", context)
        # The address bar gets the filters that are set, not a dozen empty ones: a link worth sharing.
        shown = [(key, value) for key, value in request.GET.items() if value]
        response["HX-Push-Url"] = request.path + (f"?{urlencode(shown)}" if shown else "")
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A procedure's page: every part of the version in force (or of an older published version, ?phien-ban=N)."""
    number = request.GET.get("phien-ban")
    procedure, version = selectors.procedure_page(
        code=code, version_number=int(number) if number and number.isdigit() else None
    )
    components = list(version.components.all())
    context = {
        "procedure": procedure,
        "version": version,
        "is_current": version.pk == procedure.current_version_id,
        "components": components,
        "templates": [c for c in components if c.template_file] if version.offers_templates else [],
        "receiving_agencies": list(version.receiving_agencies.all()),
        "route_steps": _route_steps(version),
        "history": selectors.version_history(procedure),
        "upcoming": selectors.upcoming_version(procedure),
        "sections": hooks.sections(hooks.DETAIL, request, procedure=procedure, version=version),
    }
    return render(request, "procedures/detail.html", context)


def _route_steps(version: ProcedureVersion) -> list[dict[str, Any]]:
    """Each step with its share of the time limit in the procedure's own unit (quy trình nội bộ)."""
    steps = []
    for step in version.route_steps.all():
        share = version.processing_time_value * step.share_percent / 100
        steps.append({"step": step, "time": share.quantize(share.__class__("0.1")).normalize()})
    return steps


@require_GET
def template_download(request: HttpRequest, code: str, component_id: int) -> FileResponse:
    """A component's form template (mẫu đơn, tờ khai), offered from service level 2 (ND 43/2011 art 3)."""
    component = get_object_or_404(
        Component.objects.select_related("version__procedure"),
        pk=component_id,
        version__procedure__code=code,
        version__status__in=(ProcedureVersion.Status.PUBLISHED, ProcedureVersion.Status.SUPERSEDED),
    )
    if not component.template_file or not component.version.offers_templates:
        raise Http404
    try:
        handle = component.template_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = PurePosixPath(component.template_file.name).suffix.lower()
    stem = slugify(search.normalise(component.template_label or component.name))[:80] or "mau"
    filename = f"{stem}{suffix}"
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    """How to register, submit online and look a dossier up (Long An 30/2019 art 6.3), and the general FAQ."""
    return render(request, "procedures/help.html", {"sections": hooks.sections(hooks.HELP, request)})


@require_GET
def communes(request: HttpRequest) -> HttpResponse:
    """The commune options of a province, for the address picker (htmx swaps them in; plain GET works too)."""
    key = request.GET.get("field") or "province"
    code = request.GET.get(key) or request.GET.get("province") or ""
    return render(
        request,
        "procedures/eform/communes_options.html",
        {"communes": divisions.communes_of(code), "province": divisions.province(code)},
    )


@require_http_methods(["GET", "POST"])
def eform_preview(request: HttpRequest, version_id: int) -> HttpResponse:
    """The e-form as the citizen will see it, for the administrators of the procedure (drafts included)."""
    version = get_object_or_404(ProcedureVersion.objects.select_related("procedure", "competent_agency"), pk=version_id)
    if not request.user.is_staff or not may(request.user, "procedure.manage", version.competent_agency):
        raise Http404
    schema = version.eform_schema or {"fields": []}
    form = build_form(schema, data=request.POST if request.method == "POST" else None, prefix="eform")
    result = None
    if request.method == "POST" and form.is_valid():
        result = {"json": form.cleaned_json(), "answers": answers(schema, form.cleaned_json())}
    return render(
        request,
        "procedures/preview.html",
        {"version": version, "procedure": version.procedure, "form": form, "result": result},
    )
