"""The catalogue API: /api/v1/sectors/, /api/v1/procedures/, /api/v1/agencies/, /api/v1/divisions/.

The list of procedures uses the same FilterSet (and so the same search) as the public page.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.models import Agency
from procedures import divisions, selectors, services
from procedures.filters import ProcedureFilter
from procedures.models import Procedure, ProcedureVersion, Sector

from .serializers import (
    AgencySerializer,
    HistoryItemSerializer,
    ProcedureDetailSerializer,
    ProcedureListSerializer,
    SectorSerializer,
    VersionSerializer,
)


class CataloguePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    """Lĩnh vực: the sectors of the catalogue with their number of published procedures."""

    serializer_class = SectorSerializer
    pagination_class = CataloguePagination
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filter_backends: list = []

    def get_queryset(self):
        published = (
            Procedure.objects.published()
            .filter(sector=OuterRef("pk"))
            .order_by()
            .values("sector")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Sector.objects.filter(is_active=True)
            .annotate(procedure_count=Coalesce(Subquery(published), 0))
            .order_by("sort_order", "code")
        )


class AgencyFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Agency.Kind.choices)
    parent = filters.CharFilter(field_name="parent__code", help_text=_("Mã định danh cơ quan cấp trên."))
    q = filters.CharFilter(method="search", help_text=_("Tìm trong tên hoặc mã."))
    include_inactive = filters.BooleanFilter(method="inactive", help_text=_("Gồm cả đơn vị đã ngừng hoạt động."))

    class Meta:
        model = Agency
        fields = ["kind", "parent", "q", "include_inactive"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def inactive(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("include_inactive"):
            queryset = queryset.filter(is_active=True)
        return queryset


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Cơ quan: the province's agency tree (official codes, addresses, desk hours)."""

    serializer_class = AgencySerializer
    pagination_class = CataloguePagination
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filterset_class = AgencyFilter
    queryset = Agency.objects.select_related("parent").order_by("path")


class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    """Thủ tục hành chính: the published catalogue, with the filters and search of the public page."""

    pagination_class = CataloguePagination
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filterset_class = ProcedureFilter
    serializer_class = ProcedureListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database reads
            return selectors.catalogue().none()
        services.refresh_due_procedures()
        return selectors.catalogue()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "at",
                OpenApiTypes.DATE,
                description=_("Phiên bản có hiệu lực vào ngày này (mặc định: hôm nay)."),
            ),
            OpenApiParameter("version", OpenApiTypes.INT, description=_("Một phiên bản đã công bố, theo số.")),
        ],
        responses=ProcedureDetailSerializer,
    )
    def retrieve(self, request: Request, code: str | None = None) -> Response:
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None or not procedure.versions.filter(status__in=services.IN_FORCE_STATUSES).exists():
            raise Http404
        version = self._version(request, procedure)
        version = (
            ProcedureVersion.objects.select_related("sector", "competent_agency", "procedure")
            .prefetch_related("receiving_agencies", "components__document_kinds", "components__version__procedure")
            .prefetch_related("route_steps__department")
            .get(pk=version.pk)
        )
        context = self.get_serializer_context()
        return Response(
            {
                "code": procedure.code,
                "version": VersionSerializer(version, context=context).data,
                "history": HistoryItemSerializer(selectors.version_history(procedure), many=True).data,
                "page_url": request.build_absolute_uri(reverse("procedures:detail", args=[procedure.code])),
            }
        )

    def _version(self, request: Request, procedure: Procedure) -> ProcedureVersion:
        number = request.query_params.get("version")
        if number:
            version = procedure.versions.filter(
                number=number if number.isdigit() else -1, status__in=services.IN_FORCE_STATUSES
            ).first()
            if version is None:
                raise Http404
            return version
        at = request.query_params.get("at")
        try:
            moment = date.fromisoformat(at) if at else None
        except ValueError:
            raise serializers.ValidationError({"at": _("Ngày phải có dạng YYYY-MM-DD.")}) from None
        if moment is None and procedure.current_version_id is None:
            raise Http404
        return services.version_in_force(procedure, moment)


class ProvinceListView(APIView):
    """Tỉnh, thành phố (danh mục từ 01/7/2025), for address fields of e-forms."""

    pagination_class = None

    @extend_schema(
        responses=inline_serializer(
            "Province", {"code": serializers.CharField(), "name": serializers.CharField()}, many=True
        )
    )
    def get(self, request: Request) -> Response:
        return Response([{"code": p.code, "name": p.name} for p in divisions.provinces()])


class CommuneListView(APIView):
    """Phường, xã, đặc khu of one province."""

    @extend_schema(
        responses=inline_serializer(
            "Commune", {"code": serializers.CharField(), "name": serializers.CharField()}, many=True
        )
    )
    def get(self, request: Request, code: str) -> Response:
        if divisions.province(code) is None:
            raise Http404
        return Response([{"code": c.code, "name": c.name} for c in divisions.communes_of(code)])
