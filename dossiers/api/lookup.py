"""``GET /api/v1/lookup/<code>/[?k=<secret>]``: the public lookup as JSON (same selector and rate limit as the page)."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers.selectors import lookup as lookup_selectors
from dossiers.views.lookup import limited, limited_message, not_found_message
from portal.api_negotiation import JSONOnlyMixin


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    label = serializers.CharField()
    note = serializers.CharField()


class LookupSerializer(serializers.Serializer):
    """Long An 30/2019 art 15.2: code, applicant (masked), sector and procedure, received and appointment dates,
    status in words, and whether it is on time; the timeline only with the QR secret."""

    code = serializers.CharField()
    applicant = serializers.CharField(help_text="Tên người nộp đã che (chữ cái đầu mỗi từ).")
    sector = serializers.CharField()
    procedure = serializers.CharField()
    procedure_code = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="Ngày hẹn trả kết quả.")
    status = serializers.CharField()
    status_label = serializers.CharField()
    timeliness = serializers.ChoiceField(
        choices=["early", "on_time", "late", "in_time", "overdue"],
        allow_null=True,
        help_text="early/on_time/late khi đã có kết quả; in_time/overdue khi đang giải quyết.",
    )
    timeliness_label = serializers.CharField()
    timeline = TimelineEntrySerializer(many=True, required=False, help_text="Chỉ có khi gửi đúng mã bí mật k.")
    result_verifiable = serializers.BooleanField(required=False)


def _moment(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def as_json(result: lookup_selectors.LookupResult) -> dict:
    """The response body, in the shape LookupSerializer documents (built directly: the lookup is the hottest
    public read, and a serializer's field machinery costs more than the query)."""
    data = {
        "code": result.code,
        "applicant": result.applicant,
        "sector": result.sector,
        "procedure": result.procedure,
        "procedure_code": result.procedure_code,
        "received_at": _moment(result.received_at),
        "due_at": _moment(result.due_at),
        "status": result.status,
        "status_label": result.status_label,
        "timeliness": result.timeliness,
        "timeliness_label": result.timeliness_label,
    }
    if result.with_secret:
        data["timeline"] = [
            {"at": _moment(e.at), "action": e.action, "label": e.label, "note": e.note} for e in result.timeline
        ]
        data["result_verifiable"] = result.result_verifiable
    return data


_ERROR = inline_serializer("LookupError", fields={"detail": serializers.CharField(), "code": serializers.CharField()})


class LookupView(JSONOnlyMixin, APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        operation_id="lookup_dossier",
        summary="Tra cứu hồ sơ theo mã",
        tags=["Tra cứu"],
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Mã số hồ sơ."),
            OpenApiParameter(
                "k", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, description="Mã bí mật in trong mã QR."
            ),
        ],
        responses={
            200: LookupSerializer,
            404: OpenApiResponse(_ERROR, description="Không tìm thấy (mã sai hoặc mã bí mật sai)."),
            429: OpenApiResponse(_ERROR, description="Tra cứu quá nhiều lần."),
        },
    )
    def get(self, request: Request, code: str) -> Response:
        if limited(request._request):
            return Response(
                {"detail": limited_message(), "code": "rate_limited"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "60"},
            )
        result = lookup_selectors.lookup(code=code, secret=request.query_params.get("k"))
        if result is None:
            return Response({"detail": not_found_message(), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
        return Response(as_json(result), headers={"Cache-Control": "private, no-store"})


urlpatterns = [
    path("lookup/<str:code>/", LookupView.as_view(), name="api-lookup"),
]
