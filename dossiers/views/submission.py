"""Filing a dossier online (/ho-so/nop/<code>/ and /ho-so/<pk>/…): three steps that each save what was given.

1. Tờ khai — the e-form, pre-filled from the account; "Lưu nháp" keeps it as typed, htmx autosaves it on change,
   "Tiếp tục" validates it (error summary at the top, values kept).
2. Thành phần hồ sơ — files per component (several, removable before submission), or a document from the store.
3. Kiểm tra và nộp — the answers and files for review, the signature for level 4, how to receive the result; the
   technical check runs on "Nộp hồ sơ" and shows every problem at once; on success the dossier page tells at once
   when it will officially be received.

Every page works without JavaScript; htmx only swaps the part that changed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers import checks
from dossiers.models import Dossier, Status, StoredDocument
from dossiers.models.core import SignatureStatus
from dossiers.selectors import citizen as selectors
from dossiers.services import attachments as attachment_service
from dossiers.services import signature as signature_service
from dossiers.services import submission
from dossiers.services.attachments import EDITABLE_STATES, SUPPLEMENT_STATES
from dossiers.views.citizen import portal_problems
from dossiers.views.files import file_response
from portal import clock
from portal.exceptions import PortalError
from portal.models import Agency
from procedures.models import Procedure

# --------------------------------------------------------------------------------------------- start


class StartForm(forms.Form):
    receiving_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=gettext_lazy("Nơi tiếp nhận hồ sơ"),
        empty_label=gettext_lazy("— Chọn nơi tiếp nhận —"),
        error_messages={"required": gettext_lazy("Vui lòng chọn nơi tiếp nhận hồ sơ.")},
    )

    def __init__(self, *args, choices: list[Agency], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in choices]).order_by(
            "code"
        )
        if len(choices) == 1:
            self.fields["receiving_agency"].initial = choices[0].pk
            self.fields["receiving_agency"].widget = forms.HiddenInput()


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    """What the procedure needs, drafts already begun, and the button that opens a new draft."""
    procedure = get_object_or_404(Procedure.objects.select_related("current_version"), code=code)
    context: dict = {"procedure": procedure, "problems": []}
    try:
        version = submission.online_version(procedure)
    except PortalError as exc:
        context["problems"] = portal_problems(exc)
        return render(request, "dossiers/citizen/start.html", context, status=409)
    choices = submission.receiving_choices(version)
    form = StartForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = submission.dossier_start(
                procedure=procedure, applicant=request.user, receiving_agency=form.cleaned_data["receiving_agency"]
            )
        except PortalError as exc:
            context["problems"] = portal_problems(exc)
        else:
            return redirect("dossiers:form", pk=dossier.pk)
    context.update(
        {
            "version": version,
            "form": form,
            "components": list(version.components.order_by("sort_order", "pk")),
            "drafts": list(
                Dossier.objects.filter(applicant=request.user, procedure=procedure, status=Status.DRAFT).order_by(
                    "-updated_at"
                )[:5]
            ),
            "assurance_short": request.user.assurance_level < version.required_assurance_level,
        }
    )
    return render(request, "dossiers/citizen/start.html", context, status=400 if request.method == "POST" else 200)


# --------------------------------------------------------------------------------------------- step 1: e-form


def _editable(request: HttpRequest, pk: int) -> Dossier | HttpResponse:
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    if dossier.status not in EDITABLE_STATES:
        messages.info(request, _("Hồ sơ đã nộp: xem tình trạng hồ sơ bên dưới."))
        return redirect("dossiers:detail", pk=dossier.pk)
    return dossier


def _steps(dossier: Dossier, current: str) -> list[dict]:
    from django.urls import reverse

    steps = [
        ("form", _("Tờ khai"), reverse("dossiers:form", args=[dossier.pk])),
        ("files", _("Thành phần hồ sơ"), reverse("dossiers:files", args=[dossier.pk])),
    ]
    if dossier.status == Status.DRAFT:
        steps.append(("review", _("Kiểm tra và nộp"), reverse("dossiers:review", args=[dossier.pk])))
    else:
        steps.append(("review", _("Gửi bổ sung"), reverse("dossiers:detail", args=[dossier.pk]) + "#bo-sung"))
    return [{"key": k, "label": label, "url": url, "current": k == current} for k, label, url in steps]


def _saved_at_text() -> str:
    return timezone.localtime(clock.now()).strftime("%H:%M:%S")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def eform(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    dossier = found
    problems: list[str] = []
    if request.method == "GET":
        form = submission.eform_for(dossier)
    else:
        form = submission.eform_for(dossier, data=request.POST)
        action = request.POST.get("action", "save")
        valid = form.is_valid()
        try:
            submission.dossier_save_answers(dossier=dossier, by=request.user, form_data=submission.draft_answers(form))
        except PortalError as exc:
            problems = portal_problems(exc)
        else:
            if form.layout_change is None:
                if action == "next" and valid:
                    return redirect("dossiers:files", pk=dossier.pk)
                if action != "next":
                    messages.success(request, _("Đã lưu tờ khai lúc %(time)s.") % {"time": _saved_at_text()})
                    return redirect("dossiers:form", pk=dossier.pk)
    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "form": form,
        "problems": problems,
        "steps": _steps(dossier, "form"),
        "autosave": dossier.status == Status.DRAFT,
        "in_supplement": dossier.status in SUPPLEMENT_STATES,
    }
    status = 400 if request.method == "POST" and (problems or form.show_errors) else 200
    return render(request, "dossiers/citizen/form.html", context, status=status)


@login_required
@never_cache
@require_POST
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx autosave of a draft's e-form, on change: saves what was typed, shows no error (that is for "Tiếp tục")."""
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    if not request.htmx:
        return redirect("dossiers:form", pk=dossier.pk)
    context = {"dossier": dossier}
    status = 200
    if dossier.status != Status.DRAFT:
        context["autosave_error"] = _("Hồ sơ đã nộp: không tự động lưu nữa.")
        status = 409
    else:
        form = submission.eform_for(dossier, data=request.POST)
        form.is_valid()
        try:
            submission.dossier_save_answers(dossier=dossier, by=request.user, form_data=submission.draft_answers(form))
        except PortalError as exc:
            context["autosave_error"] = exc.message
            status = exc.http_status
        else:
            context["saved_at"] = _saved_at_text()
    response = render(request, "dossiers/citizen/form.html#autosave", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --------------------------------------------------------------------------------------------- step 2: files


def _files_page(
    request: HttpRequest, dossier: Dossier, *, errors: dict[int, list[str]] | None = None, status: int = 200
) -> HttpResponse:
    rows = selectors.component_rows(dossier, today=clock.today(), errors=errors)
    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "rows": rows,
        "steps": _steps(dossier, "files"),
        "in_supplement": dossier.status in SUPPLEMENT_STATES,
        "round_title": selectors.round_title(attachment_service.current_version(dossier)),
        "has_errors": bool(errors),
    }
    template = "dossiers/citizen/files.html"
    target = request.headers.get("HX-Target", "")
    if request.htmx and target.startswith("component-"):
        wanted = target.removeprefix("component-")
        row = next((r for r in rows if str(r.component.pk) == wanted), None)
        if row is not None:
            context["row"] = row
            template += "#component"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
@never_cache
@require_GET
def files(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    return _files_page(request, found)


def _component(dossier: Dossier, component_id: int):
    return get_object_or_404(dossier.procedure_version.components, pk=component_id)


@login_required
@never_cache
@require_POST
def upload(request: HttpRequest, pk: int, component_id: int) -> HttpResponse:
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    component = _component(dossier, component_id)
    try:
        added = attachment_service.attachments_add(
            dossier=dossier, component=component, files=request.FILES.getlist("files"), by=request.user
        )
    except PortalError as exc:
        return _files_page(request, dossier, errors={component.pk: portal_problems(exc)}, status=exc.http_status)
    if request.htmx:  # the component's block is swapped in place; a flash message would show up later, stale
        return _files_page(request, dossier)
    messages.success(
        request,
        ngettext("Đã tải lên %(n)s tệp cho “%(component)s”.", "Đã tải lên %(n)s tệp cho “%(component)s”.", len(added))
        % {"n": len(added), "component": component.name},
    )
    return redirect(f"{_files_url(dossier)}#component-{component.pk}")


@login_required
@never_cache
@require_POST
def reuse(request: HttpRequest, pk: int, component_id: int) -> HttpResponse:
    """Use a document of the citizen's store for a component instead of uploading it."""
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    component = _component(dossier, component_id)
    try:
        document_id = int(request.POST.get("document", ""))
    except ValueError:
        return HttpResponseBadRequest()
    document = get_object_or_404(StoredDocument, pk=document_id, owner=request.user)
    try:
        attachment_service.attachment_reuse(dossier=dossier, component=component, document=document, by=request.user)
    except PortalError as exc:
        return _files_page(request, dossier, errors={component.pk: portal_problems(exc)}, status=exc.http_status)
    if request.htmx:
        return _files_page(request, dossier)
    messages.success(
        request, _("Đã dùng “%(doc)s” từ kho dữ liệu cho “%(component)s”.") % {"doc": document, "component": component}
    )
    return redirect(f"{_files_url(dossier)}#component-{component.pk}")


@login_required
@never_cache
@require_POST
def remove(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = selectors.my_attachment(user=request.user, dossier_pk=pk, pk=attachment_id)
    dossier = attachment.dossier
    try:
        attachment_service.attachment_remove(attachment=attachment, by=request.user)
    except PortalError as exc:
        errors = {attachment.component_id: portal_problems(exc)} if attachment.component_id else None
        return _files_page(request, dossier, errors=errors, status=exc.http_status)
    if request.htmx:
        return _files_page(request, dossier)
    messages.success(request, _("Đã gỡ tệp “%(name)s”.") % {"name": attachment.original_name})
    return redirect(f"{_files_url(dossier)}#component-{attachment.component_id}")


def _files_url(dossier: Dossier) -> str:
    from django.urls import reverse

    return reverse("dossiers:files", args=[dossier.pk])


# --------------------------------------------------------------------------------------------- step 3: review


class ReviewForm(forms.Form):
    result_channel = forms.ChoiceField(
        label=gettext_lazy("Hình thức nhận kết quả"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Vui lòng chọn hình thức nhận kết quả.")},
    )

    def __init__(self, *args, dossier: Dossier, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result_channel"].choices = submission.result_channel_choices(dossier)
        self.fields["result_channel"].initial = dossier.result_channel


class SignedUploadForm(forms.Form):
    signed = forms.FileField(
        label=gettext_lazy("Đơn đề nghị đã ký số (PDF)"),
        help_text=gettext_lazy("Tệp PDF tải về ở trên, đã ký bằng chữ ký số của bạn; tối đa 20 MB."),
        error_messages={"required": gettext_lazy("Hãy chọn tệp đơn đã ký số.")},
    )


def _review_page(request: HttpRequest, dossier: Dossier, *, status: int = 200, **extra) -> HttpResponse:
    from procedures.eform import answers

    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "steps": _steps(dossier, "review"),
        "answers": answers(dossier.procedure_version.eform_schema or {"fields": []}, dossier.form_data or {}),
        "rows": selectors.component_rows(dossier, today=clock.today()),
        "precheck": checks.technical_check(dossier),
        "form": extra.pop("form", None) or ReviewForm(dossier=dossier),
        "signed_form": extra.pop("signed_form", None) or SignedUploadForm(),
        "signature_latest": signature_service.latest_check(dossier),
        "signed_application": signature_service.signed_application(dossier),
        "problems": extra.pop("problems", []),
    }
    context.update(extra)
    template = "dossiers/citizen/review.html"
    if request.htmx and request.headers.get("HX-Target") == "signature":
        template += "#signature"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Review, then submit: the technical check runs and every problem shows at once; nothing is submitted then."""
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    if dossier.status != Status.DRAFT:
        return redirect("dossiers:detail", pk=dossier.pk)
    if request.method == "GET":
        return _review_page(request, dossier)
    form = ReviewForm(request.POST, dossier=dossier)
    if not form.is_valid():
        return _review_page(request, dossier, form=form, status=400)
    try:
        submission.dossier_set_result_channel(
            dossier=dossier, by=request.user, channel=form.cleaned_data["result_channel"]
        )
        submission.dossier_submit(dossier=dossier, by=request.user)
    except PortalError as exc:
        dossier.refresh_from_db()
        return _review_page(request, dossier, form=form, problems=portal_problems(exc), status=exc.http_status)
    # The dossier page opens with the acknowledgement: when it counts as received and when the desk answers.
    return redirect("dossiers:detail", pk=dossier.pk)


# --------------------------------------------------------------------------------------------- level 4 signature


@login_required
@never_cache
@require_GET
def application_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The application PDF to sign with one's own digital signature."""
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    try:
        document = signature_service.application_for_signing(dossier=dossier, by=request.user)
    except PortalError as exc:
        messages.error(request, exc.message)
        return redirect("dossiers:detail", pk=dossier.pk)
    return file_response(document.file, filename=f"don-de-nghi-{dossier.pk}.pdf", content_type="application/pdf")


@login_required
@never_cache
@require_POST
def signed_upload(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    form = SignedUploadForm(request.POST, request.FILES)
    if dossier.status != Status.DRAFT:
        return redirect("dossiers:detail", pk=dossier.pk)
    if not form.is_valid():
        return _review_page(request, dossier, signed_form=form, status=400)
    try:
        outcome = signature_service.signed_application_upload(
            dossier=dossier, by=request.user, file=form.cleaned_data["signed"]
        )
    except PortalError as exc:
        for message in portal_problems(exc):
            form.add_error("signed", message)
        return _review_page(request, dossier, signed_form=form, status=exc.http_status)
    dossier.refresh_from_db()
    if request.htmx:
        return _review_page(request, dossier, outcome=outcome)
    if outcome.ok:
        messages.success(request, outcome.message)
    else:
        messages.warning(request, outcome.message)
    return redirect(f"{_review_url(dossier)}#signature")


@login_required
@never_cache
@require_POST
def sign_at_pickup(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    try:
        signature_service.signature_at_pickup(dossier=dossier, by=request.user)
    except PortalError as exc:
        messages.error(request, exc.message)
    else:
        if dossier.signature_status == SignatureStatus.AT_PICKUP:
            messages.info(request, _("Bạn sẽ ký đơn khi đến nhận kết quả."))
    return redirect(f"{_review_url(dossier)}#signature")


def _review_url(dossier: Dossier) -> str:
    from django.urls import reverse

    return reverse("dossiers:review", args=[dossier.pk])
