"""Output serializers of the catalogue API (read-only: the catalogue is written through the admin or the import)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.models import Agency
from procedures.models import Component, Procedure, ProcedureVersion, RouteStep, Sector


class SectorSerializer(serializers.ModelSerializer):
    procedure_count = serializers.IntegerField(read_only=True, help_text=_("Số thủ tục đang công bố."))

    class Meta:
        model = Sector
        fields = ["code", "name", "description", "procedure_count"]


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name"]


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "address",
            "phone",
            "email",
            "website",
            "desk_hours",
            "desk_hours_note",
            "is_active",
        ]


class ProcessingTimeSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=6, decimal_places=1, source="processing_time_value")
    unit = serializers.CharField(source="processing_time_unit", help_text="working_days, working_hours, calendar_days")
    unit_label = serializers.CharField(source="get_processing_time_unit_display")


class ProcedureListSerializer(serializers.ModelSerializer):
    sector = serializers.SerializerMethodField()
    competent_agency = AgencyRefSerializer(read_only=True)
    online = serializers.BooleanField(source="is_online", read_only=True)
    version = serializers.IntegerField(source="current_version.number", read_only=True)
    effective_from = serializers.DateTimeField(source="current_version.effective_from", read_only=True)
    processing_time = ProcessingTimeSerializer(source="current_version", read_only=True)
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "sector",
            "administrative_level",
            "service_level",
            "online",
            "competent_agency",
            "processing_time",
            "version",
            "effective_from",
            "url",
            "page_url",
        ]

    @extend_schema_field({"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}})
    def get_sector(self, obj: Procedure) -> dict | None:
        return {"code": obj.sector.code, "name": obj.sector.name} if obj.sector_id else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Procedure) -> str:
        return self._absolute(reverse("api-procedure-detail", args=[obj.code]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, obj: Procedure) -> str:
        return self._absolute(reverse("procedures:detail", args=[obj.code]))

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ComponentSerializer(serializers.ModelSerializer):
    document_kinds = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    template_url = serializers.SerializerMethodField()

    class Meta:
        model = Component
        fields = [
            "id",
            "name",
            "required",
            "originals",
            "copies",
            "note",
            "template_label",
            "template_url",
            "document_kinds",
            "allowed_types",
            "max_files",
            "max_size_mb",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_template_url(self, obj: Component) -> str | None:
        if not obj.template_file or not obj.version.offers_templates:
            return None
        path = reverse("procedures:template", args=[obj.version.procedure.code, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class RouteStepSerializer(serializers.ModelSerializer):
    department = AgencyRefSerializer(read_only=True)

    class Meta:
        model = RouteStep
        fields = ["order", "name", "role", "department", "share_percent"]


class FeeSerializer(serializers.Serializer):
    label = serializers.CharField()
    amount = serializers.IntegerField(help_text=_("Số tiền, đồng."))
    note = serializers.CharField(required=False)


class VersionSerializer(serializers.ModelSerializer):
    """Everything a dossier follows, as published from ``effective_from``."""

    sector = SectorSerializer(read_only=True)
    competent_agency = AgencyRefSerializer(read_only=True)
    receiving_agencies = AgencyRefSerializer(many=True, read_only=True)
    processing_time = ProcessingTimeSerializer(source="*", read_only=True)
    fees = FeeSerializer(many=True, read_only=True)
    components = ComponentSerializer(many=True, read_only=True)
    route_steps = RouteStepSerializer(many=True, read_only=True)
    eform_schema = serializers.JSONField(read_only=True)

    class Meta:
        model = ProcedureVersion
        fields = [
            "number",
            "status",
            "effective_from",
            "published_at",
            "change_note",
            "publication_decision",
            "name",
            "sector",
            "administrative_level",
            "service_level",
            "competent_agency",
            "receiving_agencies",
            "processing_time",
            "supplement_policy",
            "fees",
            "fee_rule",
            "fee_exemptions",
            "legal_basis",
            "requirements",
            "procedure_steps",
            "applicant_types",
            "result_type",
            "submission_methods",
            "result_methods",
            "required_assurance_level",
            "requires_signature",
            "requires_payment",
            "components",
            "route_steps",
            "eform_schema",
        ]


class HistoryItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureVersion
        fields = ["number", "status", "effective_from", "change_note"]


class ProcedureDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = VersionSerializer()
    history = HistoryItemSerializer(many=True)
    page_url = serializers.URLField()
