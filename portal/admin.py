"""Django admin for the kernel, in Vietnamese (labels come from the models' verbose names)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.models import Agency, AuditEntry, CalendarOverride, Message, OfficerPost, PartnerSystem, User


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
    list_display = ["date", "kind", "name", "agency", "effective_from", "legal_basis"]
    list_filter = ["kind", "date"]
    search_fields = ["name", "legal_basis"]
    date_hierarchy = "date"
    autocomplete_fields = ["agency"]
    readonly_fields = ["created_at", "created_by"]

    def save_model(self, request, obj, form, change) -> None:
        if not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


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
