"""The catalogue's filters, shared by the public list page and ``/api/v1/procedures/`` (STYLE pattern 4)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal.models import Agency
from portal.widgets import LongSelect
from procedures import search
from procedures.models import AdministrativeLevel, Procedure, ProcedureVersion, Sector, ServiceLevel

SORT_CHOICES = (
    ("relevance", _("Phù hợp nhất")),
    ("name", _("Tên thủ tục (A–Z)")),
    ("code", _("Mã thủ tục")),
)
ONLINE_CHOICES = (("true", _("Có nộp trực tuyến (mức độ 3, 4)")), ("false", _("Chưa nộp trực tuyến")))


def sectors_in_catalogue(request=None) -> QuerySet[Sector]:
    published = Procedure.objects.published().values("sector_id")
    return Sector.objects.filter(is_active=True, pk__in=published).order_by("sort_order", search.name_order())


def agencies_in_catalogue(request=None) -> QuerySet[Agency]:
    """Agencies that decide or receive at least one published procedure."""
    published = Procedure.objects.published()
    receiving = ProcedureVersion.receiving_agencies.through.objects.filter(
        procedureversion_id__in=published.values("current_version_id")
    ).values("agency_id")
    return Agency.objects.filter(Q(pk__in=published.values("competent_agency_id")) | Q(pk__in=receiving)).order_by(
        "path"
    )


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, agency: Agency) -> str:
        return "\u00a0\u00a0" * agency.depth + agency.name  # the tree shows as indentation in the list


@extend_schema_field(OpenApiTypes.STR)  # the agency's code (to_field_name), for the OpenAPI schema
class AgencyFilter(django_filters.ModelChoiceFilter):
    field_class = AgencyChoiceField


class ProcedureFilter(django_filters.FilterSet):
    """Search and filters of the public catalogue (danh mục thủ tục hành chính)."""

    q = django_filters.CharFilter(
        label=_("Tên hoặc mã thủ tục"),
        method="filter_nothing",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Ví dụ: đăng ký khai sinh")}),
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Lĩnh vực"),
        queryset=sectors_in_catalogue,
        to_field_name="code",
        empty_label=_("Tất cả lĩnh vực"),
        widget=LongSelect,
    )
    agency = AgencyFilter(
        label=_("Cơ quan"),
        queryset=agencies_in_catalogue,
        to_field_name="code",
        method="filter_agency",
        empty_label=_("Tất cả cơ quan"),
        widget=LongSelect,
    )
    administrative_level = django_filters.ChoiceFilter(
        label=_("Cấp thực hiện"), choices=AdministrativeLevel.choices, empty_label=_("Tất cả các cấp")
    )
    service_level = django_filters.ChoiceFilter(
        label=_("Mức độ dịch vụ công"), choices=ServiceLevel.choices, empty_label=_("Tất cả mức độ")
    )
    online = django_filters.ChoiceFilter(
        label=_("Nộp hồ sơ trực tuyến"), choices=ONLINE_CHOICES, method="filter_online", empty_label=_("Tất cả")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sắp xếp"), choices=SORT_CHOICES, method="filter_nothing", empty_label=_("Mặc định")
    )

    class Meta:
        model = Procedure
        fields = ["q", "sector", "agency", "administrative_level", "service_level", "online", "sort"]

    def filter_nothing(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        return queryset  # q and sort are applied last, in filter_queryset

    def filter_agency(self, queryset: QuerySet, name: str, agency: Agency | None) -> QuerySet:
        """Procedures the agency (or a unit under it) decides, or receives at its desk."""
        if agency is None:
            return queryset
        receiving = ProcedureVersion.receiving_agencies.through.objects.filter(
            agency__path__startswith=agency.path
        ).values("procedureversion_id")
        return queryset.filter(Q(competent_agency__path__startswith=agency.path) | Q(current_version_id__in=receiving))

    def filter_online(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "true":
            return queryset.filter(service_level__gte=3)
        if value == "false":
            return queryset.filter(service_level__lt=3)
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        query = (self.form.cleaned_data.get("q") or "").strip()
        if query:
            queryset = search.search(queryset, query)
        sort = self.form.cleaned_data.get("sort") or ("relevance" if query else "name")
        if sort == "relevance" and query:
            return search.order_by_rank(queryset)
        if sort == "code":
            return queryset.order_by("code")
        return queryset.order_by(search.procedure_name_order(), "code")
