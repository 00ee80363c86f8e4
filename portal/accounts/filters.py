"""Filters of the audit log page (nhật ký bảo mật)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from portal.models import AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        label=_("Hành động"), choices=AuditEntry.Action.choices, empty_label=_("Tất cả")
    )
    who = django_filters.CharFilter(label=_("Người thực hiện hoặc đối tượng"), method="filter_who")
    ip = django_filters.CharFilter(label=_("Địa chỉ IP"), field_name="ip_address", lookup_expr="startswith")
    since = django_filters.DateFilter(
        label=_("Từ ngày"), field_name="at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("Đến ngày"), field_name="at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def filter_who(self, queryset: QuerySet[AuditEntry], name: str, value: str) -> QuerySet[AuditEntry]:
        value = value.strip()
        return queryset.filter(Q(actor_label__icontains=value) | Q(target_label__icontains=value))
