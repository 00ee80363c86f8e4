"""The leaders' pages (/mot-cua/phe-duyet/): the approval queue, approve and sign, send back with a comment, the
apology slip (Mẫu 04) and stopping the processing (ND 61/2018 art 19.8–19.9; ND 45/2020 art 14)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dossiers.services import approval
from dossiers.views import desk_forms
from dossiers.views.desk import act, render_dossier, render_list
from dossiers.views.desk_common import dossier_or_404, officer_required
from portal.exceptions import PortalError


@require_GET
@officer_required("dossier.approve")
def approval_queue(request: HttpRequest) -> HttpResponse:
    return render_list(request, queue="approval")


@require_POST
@officer_required("dossier.approve")
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the proposed draft with the agency's certificate and approve: one step, nothing half-done."""
    dossier = dossier_or_404(request, pk)
    try:
        dossier = approval.approve(dossier=dossier, by=request.user)
    except PortalError as exc:
        return render_dossier(request, dossier, error=exc, error_form="approve", status=exc.http_status)
    messages.success(request, _("Đã phê duyệt và ký số kết quả; hồ sơ chuyển về bộ phận một cửa để trả kết quả."))
    return redirect("dossiers:desk_dossier", pk=dossier.pk)


@require_POST
@officer_required("dossier.approve")
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    form = desk_forms.SendBackForm(request.POST)
    return act(
        request,
        dossier,
        form_name="send_back",
        forms={"send_back": form},
        perform=lambda: approval.send_back(dossier=dossier, by=request.user, comment=form.cleaned_data["comment"]),
        success=_("Đã trả lại hồ sơ cho chuyên viên kèm ý kiến."),
    )


@require_POST
@officer_required("apology.sign")
def apology(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    form = desk_forms.ApologyForm(request.POST)
    return act(
        request,
        dossier,
        form_name="apology",
        forms={"apology": form},
        perform=lambda: approval.issue_apology(
            dossier=dossier,
            by=request.user,
            reason=form.cleaned_data["reason"],
            new_due_at=form.new_due_at,
            legal_basis=form.cleaned_data["legal_basis"],
        ),
        success=_("Đã lập Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04); phiếu được công khai trên Cổng."),
    )


@require_POST
@officer_required("dossier.approve")
def stop(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    form = desk_forms.StopForm(request.POST)
    return act(
        request,
        dossier,
        form_name="stop",
        forms={"stop": form},
        perform=lambda: approval.stop(dossier=dossier, by=request.user, reason=form.cleaned_data["reason"]),
        success=_("Đã dừng giải quyết hồ sơ; thông báo dừng giải quyết đã được lập."),
    )
