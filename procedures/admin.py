"""Administration of the catalogue, in Vietnamese, for agency administrators (quản trị cơ quan).

Who may edit what is decided by ``portal.permissions.may(user, "procedure.manage", agency)`` on the version's
competent agency (superusers: everything), not by Django's model permissions. A draft is edited here; a published
version is shown read-only with two buttons: "create a revision" (a new draft copied from it) and, on drafts,
"publish" with an effective date. Publication goes through ``procedures.services``.
"""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import PurePosixPath

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import clock
from portal.exceptions import PortalError
from portal.models import Agency
from portal.permissions import agency_ids_where, may, may_somewhere
from procedures import services
from procedures.models import Component, DocumentKind, Procedure, ProcedureVersion, RouteStep, Sector

ACTION = "procedure.manage"


def _may_manage_somewhere(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_staff and may_somewhere(request.user, ACTION)


class CatalogueReferenceAdmin(admin.ModelAdmin):
    """Sectors and document kinds: agency administrators read them, superusers edit them."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_manage_somewhere(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return _may_manage_somewhere(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(Sector)
class SectorAdmin(CatalogueReferenceAdmin):
    list_display = ["code", "name", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(DocumentKind)
class DocumentKindAdmin(CatalogueReferenceAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class PrettyJSONField(forms.JSONField):
    """JSON shown indented and with Vietnamese letters as they are, so an administrator can read and edit it."""

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class ProcedureVersionForm(forms.ModelForm):
    procedure_code = forms.CharField(
        label=gettext_lazy("Mã thủ tục"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Mã trong Cơ sở dữ liệu quốc gia về thủ tục hành chính, ví dụ 1.001193."),
    )
    eform_schema = PrettyJSONField(
        label=gettext_lazy("Biểu mẫu điện tử"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "vLargeTextField", "spellcheck": "false"}),
        help_text=gettext_lazy(
            'JSON: {"title": …, "fields": [{"name": "ho_ten", "type": "text", "label": "Họ và tên", '
            '"required": true}, …]}. Kiểu trường: text, textarea, number, date, choice, boolean, cccd, phone, email, '
            "address, group. Xem tài liệu docs/import_procedures.md. Lưu xong bấm “Xem trước biểu mẫu”."
        ),
    )
    fees = PrettyJSONField(
        label=gettext_lazy("Phí, lệ phí"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"}),
        help_text=gettext_lazy('Danh sách [{"label": "Lệ phí", "amount": 50000, "note": "…"}]; để [] nếu không thu.'),
    )

    class Meta:
        model = ProcedureVersion
        fields = [*services.CONTENT_FIELDS, "receiving_agencies", "change_note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "procedure_code" in self.fields:
            self.fields["procedure_code"].initial = self.instance.procedure.code
            self.fields["procedure_code"].disabled = True

    def clean_eform_schema(self):
        return self.cleaned_data.get("eform_schema") or {}

    def clean_fees(self):
        return self.cleaned_data.get("fees") or []

    def clean_procedure_code(self):
        code = (self.cleaned_data.get("procedure_code") or "").strip()
        if self.instance.pk:
            return code
        if not code:
            raise forms.ValidationError(_("Cần nhập mã thủ tục."))
        existing = Procedure.objects.filter(code=code).first()
        if existing is not None and existing.versions.exists():
            raise forms.ValidationError(
                _(
                    "Thủ tục %(code)s đã có. Để sửa, mở phiên bản đang áp dụng và bấm “Tạo bản sửa đổi” "
                    "(hoặc mở bản nháp đang có)."
                )
                % {"code": code}
            )
        return code


class TemplateFileInput(forms.ClearableFileInput):
    """The file's name instead of a link: uploads are private (MEDIA_URL is None) and served by views that check."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        attrs = self.build_attrs(self.attrs, attrs)
        current = ""
        if self.is_initial(value):
            current = format_html(
                '{}: <strong>{}</strong> <label><input type="checkbox" name="{}" id="{}"> {}</label><br>{}: ',
                _("Tệp hiện tại"),
                PurePosixPath(value.name).name,
                self.clear_checkbox_name(name),
                self.clear_checkbox_id(self.clear_checkbox_name(name)),
                _("Xoá tệp"),
                _("Thay bằng"),
            )
        return format_html('{}<input type="file" name="{}" id="{}">', current, name, attrs.get("id", f"id_{name}"))


class DraftOnlyInline:
    """Parts of a version are edited with it: only while it is a draft, by those who manage its agency."""

    def _editable(self, request: HttpRequest, obj: ProcedureVersion | None) -> bool:
        if obj is None:
            return _may_manage_somewhere(request)
        return obj.is_draft and request.user.is_staff and may(request.user, ACTION, obj.competent_agency)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return _may_manage_somewhere(request)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._editable(request, obj)


class ComponentInline(DraftOnlyInline, admin.StackedInline):
    model = Component
    extra = 0
    filter_horizontal = ["document_kinds"]
    formfield_overrides = {models.FileField: {"widget": TemplateFileInput}}

    def get_fields(self, request, obj=None):
        # Read-only (published) versions show a download link; the default display would ask the storage for a URL.
        template = "template_file" if self.has_change_permission(request, obj) else "template_download"
        return [
            ("name", "required"),
            ("originals", "copies"),
            (template, "template_label"),
            "document_kinds",
            ("allowed_types", "max_files", "max_size_mb"),
            ("note", "sort_order"),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "template_download"]

    @admin.display(description=gettext_lazy("mẫu đơn, tờ khai"))
    def template_download(self, component: Component) -> str:
        if not component.pk or not component.template_file:
            return "—"
        url = reverse("admin:procedures_component_template", args=[component.pk])
        return format_html('<a href="{}">{}</a>', url, PurePosixPath(component.template_file.name).name)


class RouteStepInline(DraftOnlyInline, admin.TabularInline):
    model = RouteStep
    extra = 0
    fields = ["order", "name", "role", "department", "share_percent"]


class PublishForm(forms.Form):
    effective_from = forms.DateField(
        label=gettext_lazy("Có hiệu lực từ ngày"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Ngày quyết định công bố có hiệu lực. Hồ sơ tiếp nhận từ ngày này theo phiên bản mới."),
    )
    change_note = forms.CharField(
        label=gettext_lazy("Nội dung thay đổi"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    form = ProcedureVersionForm
    list_display = ["procedure_code", "number", "name", "status", "effective_from", "service_level", "competent_agency"]
    list_display_links = ["procedure_code", "name"]
    list_filter = ["status", "service_level", "administrative_level", "sector"]
    search_fields = ["procedure__code", "name"]
    list_select_related = ["procedure", "competent_agency"]
    filter_horizontal = ["receiving_agencies"]
    inlines = [ComponentInline, RouteStepInline]
    actions = None  # no bulk delete: published versions are history
    readonly_fields = ["status_line"]
    fieldsets = (
        (None, {"fields": ("procedure_code", "status_line")}),
        (
            gettext_lazy("Thông tin chung"),
            {
                "fields": (
                    "name",
                    "sector",
                    ("administrative_level", "service_level"),
                    "competent_agency",
                    "receiving_agencies",
                    "applicant_types",
                    "result_type",
                    "keywords",
                )
            },
        ),
        (
            gettext_lazy("Thời hạn, phí"),
            {
                "fields": (
                    ("processing_time_value", "processing_time_unit"),
                    "supplement_policy",
                    "fees",
                    "fee_rule",
                    "fee_exemptions",
                )
            },
        ),
        (
            gettext_lazy("Trình tự, cách thức"),
            {"fields": ("procedure_steps", "submission_methods", "result_methods", "requirements", "legal_basis")},
        ),
        (
            gettext_lazy("Nộp trực tuyến"),
            {"fields": ("required_assurance_level", "requires_signature", "requires_payment", "eform_schema")},
        ),
        (gettext_lazy("Công bố"), {"fields": ("publication_decision", "change_note")}),
    )

    # --- who sees and edits what -------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcedureVersion]:
        qs = super().get_queryset(request).select_related("procedure", "competent_agency")
        ids = agency_ids_where(request.user, ACTION)
        return qs if ids is None else qs.filter(competent_agency_id__in=ids)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_manage_somewhere(request)

    def has_view_permission(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> bool:
        if obj is None:
            return _may_manage_somewhere(request)
        return request.user.is_staff and may(request.user, ACTION, obj.competent_agency)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_manage_somewhere(request)

    def has_change_permission(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> bool:
        if obj is None:
            return _may_manage_somewhere(request)
        return obj.is_draft and self.has_view_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> bool:
        return obj is not None and obj.is_draft and self.has_view_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "competent_agency":
            ids = agency_ids_where(request.user, ACTION)
            qs = Agency.objects.active()
            kwargs["queryset"] = qs if ids is None else qs.filter(pk__in=ids)
        if db_field.name == "sector":
            kwargs["queryset"] = Sector.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "receiving_agencies":
            kwargs["queryset"] = Agency.objects.active()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- display ---------------------------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("mã thủ tục"), ordering="procedure__code")
    def procedure_code(self, obj: ProcedureVersion) -> str:
        return obj.procedure.code

    @admin.display(description=gettext_lazy("trạng thái"))
    def status_line(self, obj: ProcedureVersion | None) -> str:
        if obj is None or not obj.pk:
            return _("Bản nháp mới")
        if obj.is_draft:
            return _("Bản nháp phiên bản %(n)s — chưa công bố.") % {"n": obj.number}
        return _("Phiên bản %(n)s, %(status)s, hiệu lực từ %(date)s.") % {
            "n": obj.number,
            "status": obj.get_status_display().lower(),
            "date": timezone.localtime(obj.effective_from).strftime("%d/%m/%Y"),
        }

    # --- writes go through the services' rules -----------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: ProcedureVersion, form, change: bool) -> None:
        if change:
            services.check_may_manage(request.user, obj.competent_agency)
            if not ProcedureVersion.objects.filter(pk=obj.pk, status=ProcedureVersion.Status.DRAFT).exists():
                raise Http404
        else:
            services.check_may_manage(request.user, obj.competent_agency)
            procedure, _created = Procedure.objects.get_or_create(code=form.cleaned_data["procedure_code"])
            obj.procedure = procedure
            obj.number = services.next_version_number(procedure)
            obj.status = ProcedureVersion.Status.DRAFT
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: ProcedureVersion) -> None:
        services.draft_discard(version=obj, by=request.user)

    # --- publish, revise, preview --------------------------------------------------------------------------

    def get_urls(self):
        urls = super().get_urls()
        extra = [
            path(
                "<int:pk>/cong-bo/",
                self.admin_site.admin_view(self.publish_view),
                name="procedures_procedureversion_publish",
            ),
            path(
                "<int:pk>/sua-doi/",
                self.admin_site.admin_view(self.revise_view),
                name="procedures_procedureversion_revise",
            ),
            path(
                "thanh-phan/<int:pk>/mau/",
                self.admin_site.admin_view(self.template_view),
                name="procedures_component_template",
            ),
        ]
        return extra + urls

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context.update(
                {
                    "version": obj,
                    "publish_url": reverse("admin:procedures_procedureversion_publish", args=[obj.pk]),
                    "revise_url": reverse("admin:procedures_procedureversion_revise", args=[obj.pk]),
                    "preview_url": reverse("procedures:preview", args=[obj.pk]),
                    "public_url": reverse("procedures:detail", args=[obj.procedure.code])
                    if obj.procedure.current_version_id
                    else "",
                }
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, version):
            raise Http404
        problems = services.version_problems(version)
        form = PublishForm(request.POST or None, initial={"effective_from": clock.today()})
        if request.method == "POST" and form.is_valid():
            day = form.cleaned_data["effective_from"]
            moment = timezone.make_aware(datetime.combine(day, time.min))
            if day == clock.today():
                moment = clock.now()  # published today: in force from this moment
            try:
                services.procedure_publish(
                    version=version,
                    by=request.user,
                    effective_from=moment,
                    change_note=form.cleaned_data["change_note"],
                )
            except PortalError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                problems = exc.problems or problems
            else:
                self.message_user(
                    request,
                    _("Đã công bố thủ tục %(code)s, phiên bản %(n)s, hiệu lực từ %(date)s.")
                    % {"code": version.procedure.code, "n": version.number, "date": day.strftime("%d/%m/%Y")},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:procedures_procedureversion_change", args=[version.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Công bố thủ tục %(code)s — phiên bản %(n)s")
            % {"code": version.procedure.code, "n": version.number},
            "version": version,
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
            "preview_url": reverse("procedures:preview", args=[version.pk]),
        }
        return TemplateResponse(request, "admin/procedures/publish.html", context)

    def template_view(self, request: HttpRequest, pk: int) -> FileResponse:
        """A component's template file, drafts included, for those who manage the procedure."""
        component = get_object_or_404(Component.objects.select_related("version"), pk=pk)
        if not component.template_file or not self.has_view_permission(request, component.version):
            raise Http404
        try:
            handle = component.template_file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=PurePosixPath(component.template_file.name).name)

    def revise_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method != "POST" or not self.has_view_permission(request, version):
            raise Http404
        try:
            draft = services.procedure_start_revision(procedure=version.procedure, by=request.user)
        except PortalError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:procedures_procedureversion_change", args=[version.pk]))
        self.message_user(
            request,
            _("Đã tạo bản nháp phiên bản %(n)s từ nội dung hiện hành. Sửa xong, bấm “Công bố”.") % {"n": draft.number},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:procedures_procedureversion_change", args=[draft.pk]))


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ["link", "status", "effective_from", "published_at", "published_by", "change_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_manage_somewhere(request)

    @admin.display(description=gettext_lazy("phiên bản"))
    def link(self, obj: ProcedureVersion) -> str:
        url = reverse("admin:procedures_procedureversion_change", args=[obj.pk])
        return format_html('<a href="{}">{} {}</a>', url, _("Phiên bản"), obj.number)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    """The catalogue at a glance; each procedure's versions below. New procedures start as a version draft."""

    list_display = [
        "code",
        "name",
        "sector",
        "service_level",
        "administrative_level",
        "current_version_number",
        "next_version_at",
    ]
    list_filter = ["service_level", "administrative_level", "sector"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["sector", "current_version"]
    fields = ["code", "name", "sector", "service_level", "administrative_level", "competent_agency", "next_version_at"]
    readonly_fields = fields
    inlines = [VersionInline]
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        qs = super().get_queryset(request)
        ids = agency_ids_where(request.user, ACTION)
        return qs if ids is None else qs.filter(versions__competent_agency_id__in=ids).distinct()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_manage_somewhere(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return _may_manage_somewhere(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_manage_somewhere(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:procedures_procedureversion_add"))

    @admin.display(description=gettext_lazy("phiên bản đang áp dụng"))
    def current_version_number(self, obj: Procedure) -> str:
        return str(obj.current_version.number) if obj.current_version_id else "—"
