"""The competent department's pages (/mot-cua/xu-ly/): the worklist, assignment, verification and consultation,
supplements during appraisal (on the desk's view, ``desk.request_supplement``), inter-agency transfer and the
proposal of a result or a reasoned rejection (ND 61/2018 art 19)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dossiers.selectors import desk as desk_selectors
from dossiers.services import processing
from dossiers.views import desk_forms
from dossiers.views.desk import act, render_list
from dossiers.views.desk_common import dossier_or_404, officer_required


@require_GET
@officer_required("dossier.process", "dossier.assign")
def worklist(request: HttpRequest) -> HttpResponse:
    """Dossiers at the officer's departments: to assign, to appraise, awaiting a supplement or the leader."""
    return render_list(request, queue="work")


@require_POST
@officer_required("dossier.process", "dossier.assign")
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    department = desk_selectors.handling_agency(dossier)
    form = desk_forms.AssignForm(request.POST, specialists=desk_selectors.specialists_of(department))
    return act(
        request,
        dossier,
        form_name="assign",
        forms={"assign": form},
        perform=lambda: processing.assign(
            dossier=dossier, by=request.user, to_user=form.cleaned_data["to_user"], note=form.cleaned_data["note"]
        ),
        success=_("Đã phân công xử lý hồ sơ."),
    )


@require_POST
@officer_required("dossier.process")
def record_work(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    form = desk_forms.WorkForm(request.POST)
    return act(
        request,
        dossier,
        form_name="work",
        forms={"work": form},
        perform=lambda: processing.record_work(
            dossier=dossier,
            by=request.user,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
            data={k: form.cleaned_data[k] for k in ("place", "participants") if form.cleaned_data[k]},
        ),
        success=_("Đã ghi nhận vào quá trình xử lý hồ sơ."),
    )


@require_POST
@officer_required("dossier.process")
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    form = desk_forms.TransferForm(request.POST, agencies=desk_selectors.transfer_targets(dossier))
    return act(
        request,
        dossier,
        form_name="transfer",
        forms={"transfer": form},
        perform=lambda: processing.transfer(
            dossier=dossier,
            by=request.user,
            to_agency=form.cleaned_data["to_agency"],
            lead=form.cleaned_data["lead"],
            share_days=form.cleaned_data["share_days"],
            note=form.cleaned_data["note"],
        ),
        success=_("Đã chuyển hồ sơ liên thông."),
    )


@require_POST
@officer_required("dossier.process")
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    form = desk_forms.ProposeForm(request.POST, request.FILES)

    def perform():
        data = form.cleaned_data
        upload = data["file"] if data["source"] == "upload" else None
        text = (
            processing.DraftText(title=data["title"], body=data["body"], number=data["number"])
            if data["source"] == "generate"
            else None
        )
        if upload is None and text is None:
            raise Http404
        return processing.propose(
            dossier=dossier,
            by=request.user,
            outcome=data["outcome"],
            note=data["note"],
            upload=upload,
            text=text,
            number=data["number"],
        )

    return act(
        request,
        dossier,
        form_name="propose",
        forms={"propose": form},
        perform=perform,
        success=_("Đã trình lãnh đạo phê duyệt."),
    )
