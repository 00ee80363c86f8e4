"""Administration of feedback content. FAQ entries of a procedure are edited by those who manage the procedure."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from feedback.models import FAQ
from portal.permissions import agency_ids_where, may, may_somewhere

ACTION = "procedure.manage"


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ["question", "procedure", "sort_order", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["question", "answer", "procedure__code", "procedure__name"]
    autocomplete_fields = ["procedure"]
    list_select_related = ["procedure"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FAQ]:
        qs = super().get_queryset(request)
        ids = agency_ids_where(request.user, ACTION)
        if ids is None:
            return qs
        return qs.filter(
            Q(procedure__competent_agency_id__in=ids) | Q(procedure__versions__competent_agency_id__in=ids)
        ).distinct()

    def _may(self, request: HttpRequest, obj: FAQ | None) -> bool:
        if not (request.user.is_active and request.user.is_staff):
            return False
        if obj is None:
            return may_somewhere(request.user, ACTION)
        if obj.procedure_id is None:
            return request.user.is_superuser  # questions about the portal itself
        agency = obj.procedure.competent_agency or getattr(obj.procedure.versions.first(), "competent_agency", None)
        return may(request.user, ACTION, agency)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request, None)

    def has_view_permission(self, request: HttpRequest, obj: FAQ | None = None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may(request, None)

    def has_change_permission(self, request: HttpRequest, obj: FAQ | None = None) -> bool:
        return self._may(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: FAQ | None = None) -> bool:
        return self._may(request, obj)

    def save_model(self, request: HttpRequest, obj: FAQ, form, change: bool) -> None:
        if not self._may(request, obj):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        super().save_model(request, obj, form, change)
