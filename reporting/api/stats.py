"""``GET /api/v1/stats/``: open data, the same rows as the dashboard and its exports (reporting.selectors)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import clock
from portal.api_negotiation import JSONOnlyMixin
from reporting import selectors
from reporting.forms import ApiQueryForm

_COUNT_HELP = {
    "received": "Hồ sơ tiếp nhận trong kỳ.",
    "carried_over": "Hồ sơ tiếp nhận trước kỳ, chưa giải quyết, chưa rút, chưa bị từ chối trước kỳ.",
    "resolved": "Hồ sơ có kết quả trong kỳ (kể cả văn bản trả lời không giải quyết).",
    "resolved_early": "Đã giải quyết trước hạn (ngày có kết quả trước ngày hẹn trả).",
    "resolved_on_time": "Đã giải quyết đúng hạn (trùng ngày hẹn trả).",
    "resolved_late": "Đã giải quyết trễ hạn (sau ngày hẹn trả, hoặc đã từng trễ hạn).",
    "pending": "Đang giải quyết cuối kỳ.",
    "pending_overdue": "Đang giải quyết, đã quá ngày hẹn trả (so với ngày cuối kỳ, hoặc hôm nay khi kỳ chưa kết thúc).",
    "received_in_person": "Tiếp nhận trực tiếp trong kỳ.",
    "received_online": "Tiếp nhận trực tuyến trong kỳ.",
    "received_postal": "Tiếp nhận qua dịch vụ bưu chính công ích trong kỳ.",
    "returned_postal": "Trả kết quả qua dịch vụ bưu chính công ích trong kỳ.",
}
_RATE_HELP = {
    "resolution_rate": "resolved / (received + carried_over); null khi mẫu số bằng 0.",
    "on_time_rate": "(resolved_early + resolved_on_time) / resolved; null khi mẫu số bằng 0.",
    "online_share": "received_online / received; null khi mẫu số bằng 0.",
}

_ROW_FIELDS = {
    "key": serializers.CharField(help_text="Mã cơ quan, lĩnh vực, thủ tục; mã kênh (1, 2, 3); hoặc total."),
    "name": serializers.CharField(),
    **{
        name: serializers.FloatField(allow_null=True, help_text=_RATE_HELP[name])
        if name in _RATE_HELP
        else serializers.IntegerField(help_text=_COUNT_HELP[name])
        for name in selectors.stats.FIGURE_FIELDS
    },
}

StatsResponseSerializer = inline_serializer(
    "StatsResponse",
    fields={
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "reference_day": serializers.DateField(help_text="Ngày so sánh cho hồ sơ quá hạn."),
        "group_by": serializers.CharField(allow_null=True),
        "filters": serializers.DictField(child=serializers.CharField(allow_null=True)),
        "rows": inline_serializer("StatRow", fields=_ROW_FIELDS, many=True),
    },
)


class StatsView(JSONOnlyMixin, APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        operation_id="statistics",
        summary="Thống kê tình hình giải quyết hồ sơ",
        description=(
            "Số liệu theo kỳ [from, to] (ngày, tính cả hai đầu, giờ Việt Nam) và bộ lọc, theo định nghĩa của "
            "QĐ 30/2019/QĐ-UBND tỉnh Long An điều 14.4–14.5, 17. Cùng số liệu với trang Thống kê và tệp xuất."
        ),
        tags=["Thống kê"],
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="Ngày đầu kỳ (mặc định 1/1 năm nay)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Ngày cuối kỳ (mặc định hôm nay)."),
            OpenApiParameter(
                "group_by",
                OpenApiTypes.STR,
                enum=list(selectors.GROUPINGS),
                description="agency: cơ quan giải quyết; unit: đơn vị trực thuộc cơ quan lọc (sở, xã, huyện); "
                "sector; procedure; channel. Bỏ trống: một dòng tổng.",
            ),
            OpenApiParameter("agency", OpenApiTypes.STR, description="Mã định danh cơ quan (kể cả đơn vị cấp dưới)."),
            OpenApiParameter("sector", OpenApiTypes.STR, description="Mã lĩnh vực."),
            OpenApiParameter("procedure", OpenApiTypes.STR, description="Mã thủ tục."),
            OpenApiParameter(
                "channel", OpenApiTypes.INT, enum=[1, 2, 3], description="1 trực tiếp, 2 trực tuyến, 3 bưu chính."
            ),
        ],
        responses={200: StatsResponseSerializer, 400: OpenApiResponse(description="Tham số không hợp lệ.")},
    )
    def get(self, request: Request) -> Response:
        form = ApiQueryForm(request.query_params)
        if not form.is_valid():
            errors = {("from" if k == "from_" else k): [str(m) for m in v] for k, v in form.errors.items()}
            return Response(
                {"detail": _("Tham số không hợp lệ."), "code": "invalid", "errors": errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        period = form.cleaned_data["period"]
        query = form.query(period)
        group_by = form.cleaned_data.get("group_by") or None
        rows = selectors.statistics(query, group_by=group_by)
        body = {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "reference_day": period.reference_day(clock.today()).isoformat(),
            "group_by": group_by,
            "filters": {
                "agency": query.agency.code if query.agency else None,
                "sector": query.sector.code if query.sector else None,
                "procedure": query.procedure.code if query.procedure else None,
                "channel": str(query.channel) if query.channel else None,
            },
            "rows": [row.as_dict() for row in rows],
        }
        return Response(body)
