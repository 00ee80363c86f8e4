"""Django admin for the kernel, in Vietnamese (labels come from the models' verbose names)."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from portal.models import Agency, AuditEntry, CalendarOverride, Message, OfficerPost, PartnerSystem, User
from portal.workdays import MAX_YEAR, MIN_YEAR, DayKind, format_day, weekday_name


class OfficerPostInline(admin.TabularInline):
    model = OfficerPost
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "phone", "kind", "assurance_level", "is_active", "is_staff"]
    list_filter = ["kind", "assurance_level", "is_active", "is_staff"]
    search_fields = ["full_name", "email", "phone", "citizen_id", "tax_code"]
    readonly_fields = ["last_login", "date_joined", "assurance_verified_at", "assurance_verified_by"]
    fieldsets = (
        (None, {"fields": ("kind", "full_name", "organisation_name", "email", "phone", "password")}),
        (_("Giấy tờ tuỳ thân"), {"fields": ("citizen_id", "tax_code", "date_of_birth", "gender", "address")}),
        (
            _("Xác thực"),
            {
                "fields": (
                    "email_verified_at",
                    "phone_verified_at",
                    "assurance_level",
                    "assurance_verified_at",
                    "assurance_verified_by",
                )
            },
        ),
        (_("Thông báo"), {"fields": ("notify_by_email", "notify_by_sms", "notify_by_zalo", "language")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("kind", "full_name", "email", "phone", "password1", "password2")}),
    )
    inlines = [OfficerPostInline]


class ChildAgencyInline(admin.TabularInline):
    model = Agency
    fk_name = "parent"
    fields = ["code", "name", "kind", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "code", "kind", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code", "short_name"]
    autocomplete_fields = ["parent"]
    inlines = [ChildAgencyInline]

    @admin.display(description=_("tên cơ quan"), ordering="path")
    def indented_name(self, obj: Agency) -> str:
        return "— " * obj.depth + obj.name


@admin.register(OfficerPost)
class OfficerPostAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "title", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__full_name", "user__email", "agency__name", "agency__code"]
    autocomplete_fields = ["user", "agency"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Decreed days off and compensatory working days (ngày nghỉ, ngày làm việc bù), with a preview of the year's
    working calendar of any agency. Public holidays (Tết, Giỗ Tổ, 30/4, 1/5, 2/9…) come from the holidays library
    and need no row here; saving or deleting a row recomputes the due dates of the open dossiers it affects."""

    class Form(forms.ModelForm):
        class Meta:
            model = CalendarOverride
            fields = ["date", "kind", "name", "legal_basis", "agency", "effective_from"]
            help_texts = {
                "date": _("Ngày được điều chỉnh."),
                "kind": _(
                    "“Ngày nghỉ”: thêm một ngày nghỉ (ví dụ ngày nghỉ hoán đổi). “Ngày làm việc bù”: một ngày "
                    "thường nghỉ (thứ Bảy) nay làm việc. Các ngày lễ, Tết theo Bộ luật Lao động đã có sẵn."
                ),
                "name": _("Tên hiển thị khi giải thích hạn trả kết quả, ví dụ “Nghỉ hoán đổi dịp Quốc khánh”."),
                "legal_basis": _(
                    "Số, ngày và cơ quan ban hành văn bản, ví dụ “Thông báo 9441/TB-BNV ngày 16/10/2025”."
                ),
                "agency": _(
                    "Để trống để áp dụng cho toàn tỉnh; chọn một cơ quan để áp dụng cho cơ quan đó và cấp dưới."
                ),
                "effective_from": _(
                    "Ngày văn bản có hiệu lực. Hạn của hồ sơ chỉ tính theo điều chỉnh từ ngày này; khi lưu, hạn của "
                    "các hồ sơ đang giải quyết bị ảnh hưởng được tính lại và người nộp được thông báo."
                ),
            }

        def clean(self):
            from portal.selectors import build_calendar

            cleaned = super().clean()
            day, kind, agency = cleaned.get("date"), cleaned.get("kind"), cleaned.get("agency")
            if not day or not kind:
                return cleaned
            same_scope = CalendarOverride.objects.filter(date=day, agency=agency).exclude(pk=self.instance.pk)
            if same_scope.exists():
                raise forms.ValidationError(
                    _("Ngày %(day)s đã có một điều chỉnh cho cùng phạm vi áp dụng; hãy sửa điều chỉnh đó.")
                    % {"day": f"{day:%d/%m/%Y}"}
                )
            as_of = cleaned.get("effective_from") or day
            others = build_calendar(
                agency, as_of=max(as_of, day), exclude=(self.instance.pk,) if self.instance.pk else ()
            )
            info = others.day_info(day)
            if kind == CalendarOverride.Kind.DAY_OFF and not info.is_working:
                raise forms.ValidationError(
                    _("Ngày %(day)s đã là ngày nghỉ (%(reason)s); không cần thêm.")
                    % {"day": f"{day:%d/%m/%Y}", "reason": info.reason or weekday_name(day)}
                )
            if kind == CalendarOverride.Kind.WORKING_DAY and info.is_working:
                raise forms.ValidationError(
                    _("Ngày %(day)s đã là ngày làm việc; không cần thêm ngày làm việc bù.") % {"day": f"{day:%d/%m/%Y}"}
                )
            return cleaned

    form = Form
    list_display = ["day_with_weekday", "kind", "name", "scope", "effective_from", "legal_basis"]
    list_filter = ["kind", "date", ("agency", admin.EmptyFieldListFilter)]
    search_fields = ["name", "legal_basis", "agency__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["agency"]
    readonly_fields = ["created_at", "created_by"]
    list_select_related = ["agency"]
    change_list_template = "admin/portal/calendaroverride/change_list.html"
    fieldsets = (
        (None, {"fields": ("date", "kind", "name", "legal_basis")}),
        (
            _("Phạm vi và hiệu lực"),
            {
                "fields": ("agency", "effective_from"),
                "description": _(
                    "Điều chỉnh của cơ quan gần nhất được ưu tiên hơn điều chỉnh của cấp trên và của toàn tỉnh."
                ),
            },
        ),
        (_("Lịch sử"), {"fields": ("created_at", "created_by")}),
    )

    @admin.display(description=_("ngày"), ordering="date")
    def day_with_weekday(self, obj: CalendarOverride) -> str:
        return format_day(obj.date)

    @admin.display(description=_("áp dụng cho"), ordering="agency__path")
    def scope(self, obj: CalendarOverride) -> str:
        return obj.agency.name if obj.agency_id else str(_("Toàn tỉnh"))

    def save_model(self, request, obj, form, change) -> None:
        if not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        preview = path(
            "xem-truoc/",
            self.admin_site.admin_view(self.preview_view),
            name="portal_calendaroverride_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request):
        """The year's working calendar of an agency (or the province) as it stands today, month by month."""
        from portal import clock
        from portal.selectors import calendar_for, overrides_in_force

        if not self.has_view_permission(request):
            raise PermissionDenied
        today = clock.today()
        try:
            year = int(request.GET.get("year") or today.year)
        except ValueError:
            year = today.year
        year = min(max(year, MIN_YEAR), MAX_YEAR)
        agency_id = request.GET.get("agency", "")
        agency = Agency.objects.filter(pk=int(agency_id)).first() if agency_id.isdigit() else None
        calendar = calendar_for(agency, as_of=today)
        days = calendar.year_days(year)
        by_date = {
            o.date: o
            for o in overrides_in_force(agency, as_of=today)
            .filter(date__year=year)
            .select_related("agency")
            .order_by("effective_from", "pk")
        }
        months = []
        for month in range(1, 13):
            month_days = [info for info in days if info.day.month == month]
            lead = [None] * month_days[0].day.weekday()
            cells = lead + month_days
            cells += [None] * (-len(cells) % 7)
            months.append({"number": month, "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)]})
        special = [
            {"info": info, "override": by_date.get(info.day)}
            for info in days
            if info.kind not in (DayKind.WORKING, DayKind.WEEKEND)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Lịch làm việc năm %(year)s") % {"year": year},
            "year": year,
            "years": range(year - 2, year + 3),
            "agency": agency,
            "agencies": Agency.objects.filter(is_active=True).order_by("path"),
            "calendar": calendar,
            "weekday_names": list(
                zip(
                    [_("T2"), _("T3"), _("T4"), _("T5"), _("T6"), _("T7"), _("CN")],
                    [weekday_name(date(2026, 3, 2) + timedelta(days=i)) for i in range(7)],  # Monday 2/3/2026 on
                    strict=True,
                )
            ),
            "months": months,
            "special": special,
            "working_days": calendar.working_days_in_year(year),
            "counts": {
                kind: sum(1 for info in days if info.kind == kind)
                for kind in (DayKind.HOLIDAY, DayKind.DAY_OFF, DayKind.MAKE_UP)
            },
            "hours": ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in calendar.intervals),
        }
        return TemplateResponse(request, "admin/portal/calendaroverride/preview.html", context)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "event", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status", "event"]
    search_fields = ["recipient", "reference", "subject"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor_label", "target_label", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "ip_address"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(PartnerSystem)
class PartnerSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "key_prefix", "is_active", "last_used_at"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at"]
