"""The citizen's dossiers (/ho-so/): the list, one dossier's page (timeline, files by version, documents, the
supplement loop), withdrawal, and the access-checked downloads. Views are thin: reads from
``dossiers.selectors.citizen``, writes through ``dossiers.services``; another person's dossier answers 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers import documents
from dossiers.models import IssuedDocument, Status
from dossiers.selectors import citizen as selectors
from dossiers.services import signature as signature_service
from dossiers.services import submission
from dossiers.views.files import file_response
from portal.exceptions import PortalError

PAGE_SIZE = 20


def portal_problems(exc: PortalError) -> list[str]:
    """Every sentence a refusal carries, for the error summary at the top of a page."""
    return exc.problems or [exc.message]


@login_required
@never_cache
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """Hồ sơ của tôi: status, due date and what each dossier awaits from the citizen."""
    group = request.GET.get("nhom") or ""
    queryset = selectors.my_dossiers(user=request.user, group=group)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("trang"))
    rows = [{"dossier": d, "awaited": selectors.awaited_from_citizen(d)} for d in page.object_list]
    counts = selectors.group_counts(user=request.user)
    context = {
        "page_obj": page,
        "rows": rows,
        "group": group if group in selectors.GROUPS else "",
        "groups": [(slug, label, counts[slug]) for slug, (label, _statuses) in selectors.GROUPS.items()],
        "total": sum(counts.values()),
    }
    template = "dossiers/citizen/list.html#results" if request.htmx else "dossiers/citizen/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


class SupplementAnswerForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Ghi chú, giải trình gửi bộ phận tiếp nhận"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Ví dụ: đã bổ sung bản chụp giấy chứng sinh; đã sửa ngày sinh trong tờ khai."),
    )


def detail_context(request: HttpRequest, dossier, **extra) -> dict:
    supplement_request = selectors.open_supplement_request(dossier)
    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "awaited": selectors.awaited_from_citizen(dossier),
        "receipt": submission.receipt_of(dossier) if dossier.status == Status.SUBMITTED else None,
        "supplement_request": supplement_request,
        "supplement_history": list(dossier.supplement_requests.order_by("requested_at")),
        "timeline": selectors.timeline(dossier),
        "rounds": selectors.files_by_version(dossier),
        "documents": selectors.citizen_documents(dossier),
        "receipt_available": selectors.receipt_available(dossier),
        "due_lines": selectors.due_explanation(dossier),
        "can_withdraw": selectors.can_withdraw(dossier),
        "signed_application": signature_service.signed_application(dossier),
        "answers": _answers(dossier),
        "supplement_form": extra.pop("supplement_form", None) or SupplementAnswerForm(),
        "problems": extra.pop("problems", []),
    }
    context.update(extra)
    return context


def _answers(dossier):
    from procedures.eform import answers

    return answers(dossier.procedure_version.eform_schema or {"fields": []}, dossier.form_data or {})


@login_required
@never_cache
@require_GET
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    template = "dossiers/citizen/detail.html"
    if request.htmx and request.GET.get("phan") == "dien-bien":
        template += "#timeline"
    response = render(request, template, detail_context(request, dossier))
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@never_cache
@require_POST
def supplement_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the supplement: the files of this round and the amended answers go back with an optional note."""
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    form = SupplementAnswerForm(request.POST)
    if form.is_valid():
        try:
            submission.dossier_answer_supplement(dossier=dossier, by=request.user, note=form.cleaned_data["note"])
        except PortalError as exc:
            dossier.refresh_from_db()
            context = detail_context(request, dossier, supplement_form=form, problems=portal_problems(exc))
            return render(request, "dossiers/citizen/detail.html", context, status=exc.http_status)
        messages.success(request, _("Đã gửi hồ sơ bổ sung. Bộ phận tiếp nhận sẽ kiểm tra lại hồ sơ."))
        return redirect("dossiers:detail", pk=dossier.pk)
    return render(
        request, "dossiers/citizen/detail.html", detail_context(request, dossier, supplement_form=form), status=400
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do rút hồ sơ"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Vui lòng nêu lý do rút hồ sơ.")},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a dossier before its result, with a reason (the history stays)."""
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    form = WithdrawForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            submission.dossier_withdraw(dossier=dossier, by=request.user, reason=form.cleaned_data["reason"])
        except PortalError as exc:
            problems = portal_problems(exc)
        else:
            messages.success(request, _("Đã rút hồ sơ."))
            return redirect("dossiers:detail", pk=dossier.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "dossiers/citizen/withdraw.html",
        {"dossier": dossier, "form": form, "problems": problems, "can_withdraw": selectors.can_withdraw(dossier)},
        status=status,
    )


# --------------------------------------------------------------------------------------------- downloads


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = selectors.my_attachment(user=request.user, dossier_pk=pk, pk=attachment_id)
    return file_response(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    document = selectors.my_issued_document(user=request.user, dossier=dossier, pk=document_id)
    return file_response(document.file, filename=_filename(dossier, document.kind), content_type="application/pdf")


@login_required
@require_GET
def receipt_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Mẫu 01 of an accepted dossier (produced now if the background task has not done it yet)."""
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    if not selectors.receipt_available(dossier):
        from django.http import Http404

        raise Http404
    document = documents.ensure(dossier, IssuedDocument.Kind.RECEIPT)
    return file_response(
        document.file, filename=_filename(dossier, IssuedDocument.Kind.RECEIPT), content_type="application/pdf"
    )


def _filename(dossier, kind: str) -> str:
    return f"{kind}-{dossier.code or dossier.pk}.pdf"
