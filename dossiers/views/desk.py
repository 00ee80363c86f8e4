"""The one-stop desk's pages (/mot-cua/): the queue, one dossier with the actions the officer may take, the desk's
actions (accept, supplement, refuse, return), counter and postal intake, papers and files, the tracking book.

Views are thin: they read forms, call ``dossiers.services`` (which call ``dossiers.workflow``) and translate a
refusal into a message on the same page with the form as it was typed — never an error page. The lists answer an
htmx request with the results partial only (STYLE pattern 5) and work the same without JavaScript.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers.documents import DocumentNotAvailable
from dossiers.models import Attachment, Dossier, IssuedDocument, Status
from dossiers.models.core import Channel, ResultChannel
from dossiers.selectors import desk as desk_selectors
from dossiers.services import desk as desk_services
from dossiers.views import desk_forms
from dossiers.views.desk_common import (
    dossier_or_404,
    officer_required,
    pdf_response,
    safe_filename,
)
from portal.exceptions import PortalError
from portal.models import Agency, User
from portal.permissions import agency_ids_where, may

log = logging.getLogger("motcua.desk")

LIST_TEMPLATE = "dossiers/desk/list.html"
DOSSIER_TEMPLATE = "dossiers/desk/dossier.html"
QUEUE_TITLES = {
    "desk": gettext_lazy("Hồ sơ chờ tiếp nhận"),
    "work": gettext_lazy("Hồ sơ cần xử lý"),
    "approval": gettext_lazy("Hồ sơ chờ phê duyệt"),
}


# --------------------------------------------------------------------------------------------- lists


def render_list(request: HttpRequest, *, queue: str) -> HttpResponse:
    listing = desk_selectors.dossier_list(user=request.user, queue=queue, params=request.GET, request=request)
    context = {
        "listing": listing,
        "filterset": listing.filterset,
        "page": listing.page,
        "queue": queue,
        "title": QUEUE_TITLES[queue],
        "list_url": request.path,
        "query_without_page": _query_without(request, "page"),
        "counts": desk_selectors.queue_counts(user=request.user) if queue == "desk" else None,
    }
    template = LIST_TEMPLATE + "#results" if request.htmx and not request.htmx.boosted else LIST_TEMPLATE
    response = render(request, template, context, status=200 if listing.filterset.is_valid() else 400)
    response["Vary"] = "HX-Request"
    response["Cache-Control"] = "private, no-store"
    return response


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@require_GET
@officer_required("desk.receive")
def queue(request: HttpRequest) -> HttpResponse:
    """Online dossiers awaiting the desk's check, the time left on the desk's SLA coloured (issue 6 point 1)."""
    return render_list(request, queue="desk")


# --------------------------------------------------------------------------------------------- one dossier


def _status_in(dossier: Dossier, *statuses: str) -> bool:
    return dossier.status in statuses


def dossier_context(
    request: HttpRequest,
    dossier: Dossier,
    *,
    bound: dict[str, Any] | None = None,
    error: PortalError | None = None,
    error_form: str = "",
) -> dict[str, Any]:
    """The dossier page: what it is, its files and papers, its history, and the forms of the actions the officer may
    take now (a refused form is shown again, bound, with the refusal at the top)."""
    bound = bound or {}
    can = desk_selectors.abilities(user=request.user, dossier=dossier)
    view = desk_selectors.dossier_view(dossier)
    s = dossier.status
    handling = (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT, Status.AWAITING_APPROVAL)
    department = desk_selectors.handling_agency(dossier)
    show = {
        "accept": can.desk and s == Status.SUBMITTED,
        "intake_supplement": can.desk and s == Status.SUBMITTED,
        "refuse": can.desk and s in (Status.SUBMITTED, Status.INTAKE_SUPPLEMENT),
        "assign": (can.assign or can.process) and s in (Status.RECEIVED, Status.PROCESSING),
        "work": can.process and s in (Status.RECEIVED, Status.PROCESSING),
        "appraisal_supplement": can.process and s in (Status.RECEIVED, Status.PROCESSING),
        "transfer": can.process and s in (Status.RECEIVED, Status.PROCESSING),
        "propose": can.process and s == Status.PROCESSING,
        "approve": can.approve and s == Status.AWAITING_APPROVAL,
        "send_back": can.approve and s == Status.AWAITING_APPROVAL,
        "apology": can.apology and s in handling and not dossier.apology_issued and dossier.due_at is not None,
        "stop": can.approve and s in handling,
        "early_notice": can.desk
        and s in (Status.RESULT_READY, Status.REJECTED)
        and desk_services.is_early(dossier)
        and not desk_services.early_notice_given(dossier),
        "return": can.desk and s in (Status.RESULT_READY, Status.REJECTED),
    }
    specialists = desk_selectors.specialists_of(department)
    if not can.assign:
        specialists = specialists.filter(pk=request.user.pk)
    forms = {
        "intake_supplement": bound.get("intake_supplement") or desk_forms.SupplementItemFormSet(prefix="items"),
        "supplement_note": bound.get("supplement_note") or desk_forms.SupplementNoteForm(),
        "refuse": bound.get("refuse") or desk_forms.RefuseForm(),
        "assign": bound.get("assign") or desk_forms.AssignForm(specialists=specialists),
        "work": bound.get("work") or desk_forms.WorkForm(initial={"kind": "verify"}),
        "transfer": bound.get("transfer") or desk_forms.TransferForm(agencies=desk_selectors.transfer_targets(dossier)),
        "propose": bound.get("propose") or desk_forms.ProposeForm(initial=_propose_initial(dossier)),
        "send_back": bound.get("send_back") or desk_forms.SendBackForm(),
        "apology": bound.get("apology") or desk_forms.ApologyForm(initial=_apology_initial(dossier)),
        "stop": bound.get("stop") or desk_forms.StopForm(),
        "early_notice": bound.get("early_notice") or desk_forms.EarlyNoticeForm(),
        "return": bound.get("return") or desk_forms.ReturnForm(initial={"channel": dossier.result_channel}),
    }
    papers = _papers(dossier, view)
    forms_with_errors = []
    for form in bound.values():
        if hasattr(form, "forms"):  # a formset: its rows
            forms_with_errors += [row for row in form.forms if row.errors]
        elif form.is_bound and form.errors:
            forms_with_errors.append(form)
    return {
        "forms_with_errors": forms_with_errors,
        "dossier": dossier,
        "view": view,
        "can": can,
        "show": show,
        "forms": forms,
        "papers": papers,
        "error": error,
        "error_form": error_form,
        "department": department,
        "leader_agency": desk_selectors.leader_agency(dossier),
        "components": list(dossier.procedure_version.components.order_by("sort_order", "pk")),
    }


def _propose_initial(dossier: Dossier) -> dict[str, Any]:
    return {
        "outcome": "approved",
        "source": "generate",
        "title": dossier.procedure_version.result_type[:255] or _("Văn bản giải quyết"),
    }


def _apology_initial(dossier: Dossier) -> dict[str, Any]:
    if dossier.due_at is None:
        return {}
    from portal.selectors import calendar_for

    proposed = calendar_for(dossier.competent_agency).add_working_days(dossier.due_at, 3)
    local = proposed.astimezone(dossier.due_at.tzinfo)
    return {"new_due_date": local.date(), "new_due_time": local.time().replace(second=0, microsecond=0)}


def _papers(dossier: Dossier, view: desk_selectors.DossierView) -> list[dict[str, Any]]:
    """The forms of TT 01/2018 art 9 this dossier has reached, for printing (each issued on first print)."""
    kinds = IssuedDocument.Kind
    papers = []
    if dossier.code and dossier.received_at:
        papers.append(kinds.RECEIPT)
    if view.supplement_requests:
        papers.append(kinds.SUPPLEMENT_REQUEST)
    if dossier.status == Status.REFUSED:
        papers.append(kinds.REFUSAL)
    if dossier.apology_issued:
        papers.append(kinds.APOLOGY)
    if view.handovers:
        papers.append(kinds.CONTROL_SHEET)
    if dossier.status == Status.STOPPED:
        papers.append(kinds.STOP_NOTICE)
    return [{"kind": k, "label": kinds(k).label} for k in papers]


def render_dossier(
    request: HttpRequest,
    dossier: Dossier,
    *,
    bound: dict[str, Any] | None = None,
    error: PortalError | None = None,
    error_form: str = "",
    status: int = 200,
) -> HttpResponse:
    if error is not None:
        # Show the dossier as it is now (another officer may just have moved it), with the refusal on top.
        dossier = desk_selectors.officer_dossier(user=request.user, pk=dossier.pk) or dossier
    context = dossier_context(request, dossier, bound=bound, error=error, error_form=error_form)
    response = render(request, DOSSIER_TEMPLATE, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@officer_required("dossier.view")
def dossier_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render_dossier(request, dossier_or_404(request, pk))


def act(
    request: HttpRequest,
    dossier: Dossier,
    *,
    form_name: str,
    forms: dict[str, Any],
    perform,
    success: str,
) -> HttpResponse:
    """Run ``perform()`` when every form is valid; a refusal shows the page again with the forms as typed."""
    if not all(form.is_valid() for form in forms.values()):
        return render_dossier(request, dossier, bound=forms, error_form=form_name, status=400)
    try:
        perform()
    except PortalError as exc:
        return render_dossier(request, dossier, bound=forms, error=exc, error_form=form_name, status=exc.http_status)
    messages.success(request, success)
    return redirect("dossiers:desk_dossier", pk=dossier.pk)


# --------------------------------------------------------------------------------------------- desk actions


@require_POST
@officer_required("desk.receive")
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    try:
        dossier = desk_services.accept(dossier=dossier, by=request.user)
    except PortalError as exc:
        return render_dossier(request, dossier, error=exc, error_form="accept", status=exc.http_status)
    messages.success(
        request,
        _("Đã tiếp nhận hồ sơ, mã hồ sơ %(code)s. In Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) cho người nộp.")
        % {"code": dossier.code},
    )
    return redirect("dossiers:desk_dossier", pk=dossier.pk)


def _supplement_items(formset) -> list[dict[str, str]]:
    rows = []
    for form in formset.forms:
        item = (form.cleaned_data.get("item") or "").strip()
        reason = (form.cleaned_data.get("reason") or "").strip()
        if item or reason:
            rows.append({"item": item, "reason": reason})
    return rows


@require_POST
@officer_required("desk.receive", "dossier.process")
def request_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """Mẫu 02 with every item and its reason at once; at the desk (before receipt) or during appraisal."""
    dossier = dossier_or_404(request, pk)
    formset = desk_forms.SupplementItemFormSet(request.POST, prefix="items")
    note = desk_forms.SupplementNoteForm(request.POST)
    if "add_row" in request.POST:
        # No JavaScript needed: the button sends the rows back and one more empty row is shown.
        data = request.POST.copy()
        data["items-TOTAL_FORMS"] = str(min(int(data.get("items-TOTAL_FORMS") or 3) + 1, 30))
        grown = desk_forms.SupplementItemFormSet(data, prefix="items")
        grown.is_valid()
        return render_dossier(
            request, dossier, bound={"intake_supplement": grown, "supplement_note": note}, error_form="supplement"
        )
    forms = {"intake_supplement": formset, "supplement_note": note}
    return act(
        request,
        dossier,
        form_name="supplement",
        forms=forms,
        perform=lambda: desk_services.request_supplement(
            dossier=dossier, by=request.user, items=_supplement_items(formset), note=note.cleaned_data["note"]
        ),
        success=_("Đã gửi yêu cầu bổ sung (Mẫu 02) cho người nộp."),
    )


@require_POST
@officer_required("desk.receive")
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    form = desk_forms.RefuseForm(request.POST)
    return act(
        request,
        dossier,
        form_name="refuse",
        forms={"refuse": form},
        perform=lambda: desk_services.refuse(dossier=dossier, by=request.user, reasons=form.cleaned_data["reasons"]),
        success=_("Đã từ chối tiếp nhận hồ sơ; Phiếu từ chối (Mẫu 03) đã được lập."),
    )


@require_POST
@officer_required("desk.receive")
def notify_early_return(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    form = desk_forms.EarlyNoticeForm(request.POST)
    return act(
        request,
        dossier,
        form_name="early_notice",
        forms={"early_notice": form},
        perform=lambda: desk_services.notify_early_return(
            dossier=dossier, by=request.user, note=form.cleaned_data["note"]
        ),
        success=_("Đã thông báo cho người nộp: kết quả có thể nhận trước ngày hẹn."),
    )


@require_POST
@officer_required("desk.receive")
def return_result(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    form = desk_forms.ReturnForm(request.POST)
    return act(
        request,
        dossier,
        form_name="return",
        forms={"return": form},
        perform=lambda: desk_services.return_result(
            dossier=dossier,
            by=request.user,
            channel=form.cleaned_data["channel"],
            received_by_name=form.cleaned_data["received_by_name"],
            tracking_number=form.cleaned_data["tracking_number"],
            note=form.cleaned_data["note"],
        ),
        success=_("Đã trả kết quả cho người nộp."),
    )


# --------------------------------------------------------------------------------------------- papers and files


@require_GET
@officer_required("dossier.view")
def paper(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Mẫu 01–05 and the stop notice: stored with the dossier, reprinted as stored (the control sheet follows the
    dossier's handovers)."""
    dossier = dossier_or_404(request, pk)
    if kind not in desk_services.DESK_DOCUMENTS:
        raise Http404
    try:
        document = desk_services.desk_document(dossier=dossier, kind=kind, by=request.user)
    except DocumentNotAvailable as exc:
        return render_dossier(request, dossier, error=exc, error_form="papers", status=404)
    except OSError:
        # The paper could not be stored (storage full or unreachable): the dossier is as it was; print again later.
        log.exception("paper %s of dossier %s could not be issued", kind, dossier.pk)
        problem = PortalError(
            _("Chưa lập được văn bản lúc này. Hồ sơ không bị ảnh hưởng; vui lòng in lại sau ít phút.")
        )
        return render_dossier(request, dossier, error=problem, error_form="papers", status=503)
    name = safe_filename(IssuedDocument.Kind(kind).value, dossier.code or str(dossier.pk))
    return pdf_response(document.file, filename=name, download=request.GET.get("tai") == "1")


@require_GET
@officer_required("dossier.view")
def issued_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """A stored document of the dossier (the draft proposed, the signed result, the signed application)."""
    dossier = dossier_or_404(request, pk)
    document = get_object_or_404(IssuedDocument, pk=document_pk, dossier=dossier)
    if not document.file:
        raise Http404
    name = safe_filename(document.kind, dossier.code or str(dossier.pk))
    return pdf_response(document.file, filename=name, download=request.GET.get("tai") == "1")


@require_GET
@officer_required("dossier.view")
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A file the applicant gave (or the desk scanned), for the officers working on the dossier."""
    from dossiers.views.files import file_response

    dossier = dossier_or_404(request, pk)
    item = get_object_or_404(Attachment, pk=attachment_pk, dossier=dossier, removed_at__isnull=True)
    return file_response(item.file, filename=item.original_name, content_type=item.content_type)


# --------------------------------------------------------------------------------------------- tracking book


def _desk_agencies(user: User) -> QuerySet[Agency]:
    ids = agency_ids_where(user, "desk.receive")
    agencies = Agency.objects.filter(is_active=True)
    if ids is not None:
        agencies = agencies.filter(pk__in=ids)
    else:
        agencies = agencies.filter(Q(kind=Agency.Kind.CENTRE) | Q(received_dossiers__isnull=False)).distinct()
    return agencies.order_by("path")


@require_http_methods(["GET", "POST"])
@officer_required("desk.receive")
def tracking_book(request: HttpRequest) -> HttpResponse:
    """Mẫu 06 — the tracking book of a desk for a period, as a PDF to print (TT 01/2018 art 9–10)."""
    from portal import clock

    agencies = _desk_agencies(request.user)
    today = clock.today()
    form = desk_forms.TrackingBookForm(
        request.POST or None,
        agencies=agencies,
        initial={"start": today.replace(day=1), "end": today},
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            document = desk_services.tracking_book(
                agency=form.cleaned_data["agency"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                by=request.user,
            )
        except PortalError as exc:
            error = exc
        else:
            name = safe_filename("mau06", form.cleaned_data["agency"].code, form.cleaned_data["start"].isoformat())
            return pdf_response(document.file, filename=name, download=request.POST.get("tai") == "1")
    status = 400 if request.method == "POST" else 200
    return render(request, "dossiers/desk/tracking_book.html", {"form": form, "error": error}, status=status)


# --------------------------------------------------------------------------------------------- counter intake


def _intake_agencies(user: User) -> QuerySet[Agency]:
    ids = agency_ids_where(user, "desk.receive")
    agencies = Agency.objects.filter(is_active=True)
    if ids is not None:
        agencies = agencies.filter(pk__in=ids)
    else:
        agencies = agencies.filter(kind__in=(Agency.Kind.CENTRE, Agency.Kind.COMMUNE, Agency.Kind.DEPARTMENT))
    return agencies.order_by("path")


@require_GET
@officer_required("desk.receive")
def intake_start(request: HttpRequest) -> HttpResponse:
    """Counter and postal intake, step 1: the desk, the channel, and the applicant (found, or a new account)."""
    agencies = _intake_agencies(request.user)
    form = desk_forms.IntakeStartForm(request.GET or None, agencies=agencies)
    found: list[User] | None = None
    agency = None
    if form.is_bound and form.is_valid():
        agency = form.cleaned_data["agency"]
        query = form.cleaned_data["q"].strip()
        if query:
            found = desk_services.find_applicants(query=query)
    context = {
        "form": form,
        "found": found,
        "agency": agency,
        "applicant_form": desk_forms.ApplicantForm(initial=_applicant_initial(form)),
        "query": request.GET.urlencode(),
    }
    template = "dossiers/desk/intake_start.html"
    if request.htmx and request.htmx.target == "applicant-results":
        template += "#applicants"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


def _applicant_initial(form: desk_forms.IntakeStartForm) -> dict[str, str]:
    """What was searched for prefills the new account's matching field."""
    query = (form.data.get("q") or "").strip() if form.is_bound else ""
    if not query:
        return {}
    if "@" in query:
        return {"email": query}
    digits = query.replace(" ", "")
    if digits.isdigit() and len(digits) == 12:
        return {"citizen_id": digits}
    if digits.isdigit() and len(digits) == 10 and digits.startswith("0"):
        return {"phone": digits}
    return {}


@require_POST
@officer_required("desk.receive")
def intake_new_applicant(request: HttpRequest) -> HttpResponse:
    """Open an account for the walk-in applicant; their initial access goes to them by e-mail or SMS."""
    agencies = _intake_agencies(request.user)
    start = desk_forms.IntakeStartForm(request.POST, agencies=agencies)
    form = desk_forms.ApplicantForm(request.POST)
    error = None
    if start.is_valid() and form.is_valid():
        data = desk_services.ApplicantData(**form.cleaned_data)
        try:
            user = desk_services.create_applicant(data=data, by=request.user, agency=start.cleaned_data["agency"])
        except PortalError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Đã tạo tài khoản cho %(name)s; thông tin đăng nhập ban đầu đã được gửi tới %(to)s.")
                % {"name": user.display_name, "to": user.email or user.phone},
            )
            query = f"agency={start.cleaned_data['agency'].pk}&channel={start.cleaned_data['channel']}"
            return redirect(reverse("dossiers:desk_intake_form") + f"?{query}&applicant={user.pk}")
    context = {"form": start, "found": None, "applicant_form": form, "error": error, "creating": True}
    return render(request, "dossiers/desk/intake_start.html", context, status=400)


def _intake_setup(request: HttpRequest, params) -> dict[str, Any]:
    """The desk, channel, applicant and procedure the intake form is for (from the query string)."""
    agencies = {a.pk: a for a in _intake_agencies(request.user)}
    try:
        agency = agencies[int(params.get("agency", ""))]
        channel = int(params.get("channel", Channel.IN_PERSON))
        applicant = User.objects.get(
            pk=int(params.get("applicant", "")), kind__in=(User.Kind.CITIZEN, User.Kind.BUSINESS), is_active=True
        )
    except (KeyError, ValueError, User.DoesNotExist):
        raise Http404 from None
    if channel not in (Channel.IN_PERSON, Channel.POSTAL):
        raise Http404
    versions = desk_services.intake_procedures(agency)
    version = None
    if params.get("procedure"):
        version = versions.filter(procedure__code=params.get("procedure")).first()
    return {"agency": agency, "channel": channel, "applicant": applicant, "versions": versions, "version": version}


@require_http_methods(["GET", "POST"])
@officer_required("desk.receive")
def intake_form(request: HttpRequest) -> HttpResponse:
    """Step 2: the procedure's e-form (the same one citizens fill online), the scans, and acceptance at once."""
    from procedures.eform import build_form, initial_for_user

    setup = _intake_setup(request, request.GET)
    if not may(request.user, "desk.receive", setup["agency"]):
        raise Http404
    version = setup["version"]
    context: dict[str, Any] = {
        **setup,
        "query": request.GET.urlencode(),
        "channel_label": Channel(setup["channel"]).label,
    }
    if version is None:
        return render(request, "dossiers/desk/intake_form.html", context)
    schema = version.eform_schema or {}
    bound = request.method == "POST"
    eform = (
        build_form(
            schema,
            data=request.POST if bound else None,
            initial=initial_for_user(schema, setup["applicant"]),
            prefix="tk",
        )
        if schema
        else None
    )
    details = desk_forms.IntakeDetailsForm(
        request.POST if bound else None,
        initial={"result_channel": ResultChannel.COUNTER, "sets": 1},
    )
    components = list(version.components.order_by("sort_order", "pk"))
    context.update({"eform": eform, "details": details, "components": components})
    if not bound:
        return render(request, "dossiers/desk/intake_form.html", context)
    eform_ok = eform.is_valid() if eform is not None else True
    if not (eform_ok and details.is_valid()):
        status = 200 if eform is not None and eform.layout_change else 400
        return render(request, "dossiers/desk/intake_form.html", context, status=status)
    files = {c.pk: request.FILES.getlist(f"component-{c.pk}") for c in components}
    intake = desk_services.CounterIntake(
        agency=setup["agency"],
        procedure_version=version,
        applicant=setup["applicant"],
        channel=setup["channel"],
        form_data=eform.cleaned_json() if eform is not None else {},
        files=files,
        postal_tracking_number=details.cleaned_data["postal_tracking_number"],
        result_channel=details.cleaned_data["result_channel"],
        sets=details.cleaned_data["sets"],
    )
    try:
        dossier = desk_services.counter_intake(intake=intake, by=request.user)
    except PortalError as exc:
        context["error"] = exc
        return render(request, "dossiers/desk/intake_form.html", context, status=exc.http_status)
    messages.success(
        request,
        _("Đã tiếp nhận hồ sơ %(code)s. In Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) giao cho người nộp.")
        % {"code": dossier.code},
    )
    return redirect("dossiers:desk_dossier", pk=dossier.pk)
