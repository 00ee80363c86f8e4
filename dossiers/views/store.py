"""The personal document store (kho dữ liệu): the citizen's own page, and the officer's page to verify documents
after comparing the originals (``identity.verify``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers.models import StoredDocument
from dossiers.selectors import citizen as selectors
from dossiers.services import store as store_service
from dossiers.views.citizen import portal_problems
from dossiers.views.files import file_response
from portal.exceptions import PortalError
from portal.models import User
from portal.permissions import may_somewhere
from procedures.models import DocumentKind

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class StoredDocumentForm(forms.Form):
    kind = forms.ModelChoiceField(
        queryset=DocumentKind.objects.order_by("name"),
        label=gettext_lazy("Loại giấy tờ"),
        empty_label=gettext_lazy("— Chọn loại giấy tờ —"),
        error_messages={"required": gettext_lazy("Vui lòng chọn loại giấy tờ.")},
    )
    number = forms.CharField(label=gettext_lazy("Số, ký hiệu"), max_length=100, required=False)
    issuer = forms.CharField(label=gettext_lazy("Cơ quan cấp"), max_length=255, required=False)
    issued_on = forms.DateField(
        label=gettext_lazy("Ngày cấp"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Ngày cấp không đúng dạng ngày/tháng/năm.")},
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Có giá trị đến"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Để trống nếu giấy tờ không có thời hạn."),
        error_messages={"invalid": gettext_lazy("Ngày hết hiệu lực không đúng dạng ngày/tháng/năm.")},
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp bản chụp, bản quét"),
        help_text=gettext_lazy("PDF, JPEG hoặc PNG; tối đa 10 MB."),
        error_messages={"required": gettext_lazy("Vui lòng chọn tệp bản chụp hoặc bản quét.")},
    )


def _store_page(request: HttpRequest, form: StoredDocumentForm, *, problems=None, status: int = 200) -> HttpResponse:
    from portal import clock

    today = clock.today()
    items = [
        {"document": d, "valid": store_service.is_valid_on(d, today)}
        for d in selectors.store_documents(owner=request.user)
    ]
    return render(
        request,
        "dossiers/store/list.html",
        {"items": items, "form": form, "problems": problems or []},
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def store(request: HttpRequest) -> HttpResponse:
    """The citizen's stored documents, and a form to add one."""
    form = StoredDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "GET":
        return _store_page(request, form)
    if not form.is_valid():
        return _store_page(request, form, status=400)
    c = form.cleaned_data
    try:
        store_service.stored_document_add(
            owner=request.user,
            data=store_service.StoredDocumentData(
                kind=c["kind"],
                number=c["number"],
                issuer=c["issuer"],
                issued_on=c["issued_on"],
                valid_until=c["valid_until"],
            ),
            file=c["file"],
        )
    except PortalError as exc:
        for message in portal_problems(exc):
            form.add_error(None, message)
        return _store_page(request, form, status=exc.http_status)
    messages.success(request, _("Đã lưu “%(kind)s” vào kho dữ liệu.") % {"kind": c["kind"].name})
    return redirect("dossiers:store")


@login_required
@require_GET
def store_file(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.my_stored_document(user=request.user, pk=document_id)
    return file_response(document.file, filename=document.original_name, content_type=document.content_type)


@login_required
@never_cache
@require_POST
def store_delete(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.my_stored_document(user=request.user, pk=document_id)
    try:
        store_service.stored_document_delete(document=document, by=request.user)
    except PortalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xoá “%(doc)s” khỏi kho dữ liệu.") % {"doc": document})
    return redirect("dossiers:store")


# --------------------------------------------------------------------------------------------- officers


class OwnerSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Số định danh, mã số thuế, số điện thoại hoặc thư điện tử"),
        max_length=100,
        required=False,
    )


def _require_verifier(request: HttpRequest) -> None:
    if not may_somewhere(request.user, "identity.verify"):
        raise PermissionDenied


@login_required
@never_cache
@require_GET
def verify_search(request: HttpRequest) -> HttpResponse:
    """An officer finds the person standing at the desk, exactly by an identifier (no browsing the population)."""
    _require_verifier(request)
    from portal.accounts.services import find_accounts

    form = OwnerSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = list(find_accounts(query=form.cleaned_data["q"]))
    return render(request, "dossiers/store/verify_search.html", {"form": form, "results": results})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify_owner(request: HttpRequest, user_id: int) -> HttpResponse:
    """The person's stored documents; the officer marks verified the ones whose original they compared."""
    _require_verifier(request)
    owner = get_object_or_404(User, pk=user_id, kind__in=[User.Kind.CITIZEN, User.Kind.BUSINESS])
    if request.method == "POST":
        document = get_object_or_404(StoredDocument, pk=request.POST.get("document") or 0, owner=owner)
        try:
            store_service.stored_document_verify(document=document, by=request.user)
        except PortalError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã xác thực “%(doc)s”.") % {"doc": document})
        return redirect("dossiers:store_verify_owner", user_id=owner.pk)
    return render(
        request,
        "dossiers/store/verify_owner.html",
        {"owner": owner, "documents": list(selectors.store_documents(owner=owner))},
    )


@login_required
@require_GET
def verify_file(request: HttpRequest, document_id: int) -> HttpResponse:
    _require_verifier(request)
    document = get_object_or_404(StoredDocument, pk=document_id)
    return file_response(document.file, filename=document.original_name, content_type=document.content_type)
