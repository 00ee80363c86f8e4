"""The partner API (hệ thống đối tác): push a dossier with its files, read its status with the national codes.

A partner system calls with its key in the ``X-API-Key`` header (or ``Authorization: ApiKey <key>``); the key is
issued once by ``PartnerSystem.issue_key()`` and only its SHA-256 is stored. Scopes: ``dossiers:push`` to push and
read back one's own dossiers, ``dossiers:status`` to read any dossier's status by code within the partner's agency.

- ``POST /api/v1/partner/dossiers/`` — create, fill and submit, all or nothing; the same ``partner_reference`` again
  returns the dossier already received (200 instead of 201).
- ``GET /api/v1/partner/dossiers/<partner_reference>/`` — one's own pushed dossier.
- ``GET /api/v1/partner/status/<code>/`` — status sync by dossier code.

Status values follow the national portal's sync codes (DESIGN §8): 1 registered … 10 result returned.
"""

from __future__ import annotations

from django.urls import path
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import authentication, exceptions, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers.models import Dossier, Status
from dossiers.models.core import ResultChannel
from dossiers.services import partner as partner_service
from dossiers.services.submission import receipt_of
from portal import clock
from portal.models import PartnerSystem

HEADER = "X-API-Key"
LAST_USED_EVERY_SECONDS = 300


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    """``X-API-Key: mc_<prefix>_<secret>``: the partner system whose stored hash matches, if active."""

    keyword = "ApiKey"

    def authenticate(self, request: Request):
        key = request.META.get("HTTP_X_API_KEY", "")
        if not key:
            auth = authentication.get_authorization_header(request).split()
            if len(auth) == 2 and auth[0].decode(errors="ignore").lower() == self.keyword.lower():
                key = auth[1].decode(errors="ignore")
        if not key:
            return None
        parts = key.split("_")
        if len(parts) < 3 or parts[0] != "mc":
            raise exceptions.AuthenticationFailed(_("Khoá API không hợp lệ."))
        partner = PartnerSystem.objects.filter(key_prefix=parts[1]).select_related("agency").first()
        if partner is None or not constant_time_compare(partner.key_hash, PartnerSystem.hash_key(key)):
            raise exceptions.AuthenticationFailed(_("Khoá API không hợp lệ."))
        if not partner.is_active:
            raise exceptions.AuthenticationFailed(_("Hệ thống đối tác đã bị tạm ngừng."))
        self._touch(partner)
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), partner

    def authenticate_header(self, request: Request) -> str:
        return self.keyword

    @staticmethod
    def _touch(partner: PartnerSystem) -> None:
        now = clock.now()
        if partner.last_used_at is None or (now - partner.last_used_at).total_seconds() > LAST_USED_EVERY_SECONDS:
            PartnerSystem.objects.filter(pk=partner.pk).update(last_used_at=now)


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "dossiers.api.partner.PartnerKeyAuthentication"
    name = "partnerApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": HEADER, "description": "Khoá API của hệ thống đối tác."}


class IsPartner(permissions.BasePermission):
    message = "Cần khoá API của hệ thống đối tác (tiêu đề X-API-Key)."

    def has_permission(self, request: Request, view) -> bool:
        return isinstance(request.auth, PartnerSystem)


# --------------------------------------------------------------------------------------------- serializers


class ApplicantInSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200, help_text="Họ tên người nộp (người đại diện nếu là tổ chức).")
    citizen_id = serializers.CharField(max_length=12, required=False, allow_blank=True, help_text="Số CCCD (12 số).")
    tax_code = serializers.CharField(max_length=14, required=False, allow_blank=True, help_text="Mã số thuế (tổ chức).")
    organisation_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)


class FileInSerializer(serializers.Serializer):
    component_id = serializers.IntegerField(help_text="Mã thành phần hồ sơ (theo API danh mục thủ tục).")
    name = serializers.CharField(max_length=255, help_text="Tên tệp, đuôi phải khớp nội dung (pdf, jpg, png…).")
    content_base64 = serializers.CharField(help_text="Nội dung tệp, mã hoá base64.")


class PushInSerializer(serializers.Serializer):
    partner_reference = serializers.CharField(max_length=80, help_text="Mã hồ sơ bên gửi; gửi lại cùng mã là an toàn.")
    procedure_code = serializers.CharField(max_length=40, help_text="Mã thủ tục hành chính, ví dụ 1.001193.")
    receiving_agency_code = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Mã định danh nơi tiếp nhận (nếu có nhiều nơi)."
    )
    applicant = ApplicantInSerializer()
    form_data = serializers.DictField(required=False, help_text="Nội dung tờ khai theo biểu mẫu điện tử.")
    result_channel = serializers.ChoiceField(choices=ResultChannel.values, required=False, default="counter")
    files = FileInSerializer(many=True, required=False)


class StatusOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partner_reference = serializers.CharField(allow_blank=True)
    code = serializers.CharField(allow_null=True, help_text="Mã hồ sơ, có khi đã được tiếp nhận.")
    procedure_code = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.values)
    status_label = serializers.CharField()
    national_status = serializers.IntegerField(
        allow_null=True, help_text="Mã trạng thái đồng bộ Cổng DVC quốc gia: 1 mới đăng ký … 10 đã trả kết quả."
    )
    national_status_label = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    receipt_moment = serializers.DateTimeField(allow_null=True, help_text="Thời điểm hồ sơ được tính là tiếp nhận.")
    desk_due_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="Ngày hẹn trả kết quả.")
    resolved_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)


def status_data(dossier: Dossier) -> dict:
    from dossiers.models import NationalStatus

    receipt = receipt_of(dossier) if dossier.submitted_at else None
    national = dossier.national_status
    return {
        "id": dossier.pk,
        "partner_reference": dossier.partner_reference,
        "code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "status": dossier.status,
        "status_label": str(Status(dossier.status).label),
        "national_status": int(national) if national is not None else None,
        "national_status_label": str(NationalStatus(national).label) if national is not None else "",
        "submitted_at": dossier.submitted_at,
        "receipt_moment": receipt.receipt_moment if receipt else None,
        "desk_due_at": dossier.desk_due_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "resolved_at": dossier.resolved_at,
        "returned_at": dossier.returned_at,
    }


_ERROR = inline_serializer(
    "PartnerError",
    fields={
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "problems": serializers.ListField(child=serializers.CharField(), required=False),
    },
)


def _not_found() -> Response:
    return Response({"detail": _("Không tìm thấy hồ sơ."), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)


class PartnerView(APIView):
    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [IsPartner]


class PushView(PartnerView):
    @extend_schema(
        operation_id="partner_push_dossier",
        summary="Gửi hồ sơ (kèm tệp) từ hệ thống đối tác",
        description=(
            "Tạo, điền và nộp hồ sơ trong một lần: cùng các kiểm tra như khi công dân nộp trên Cổng (nội dung tệp, "
            "tờ khai, thành phần bắt buộc, mức xác thực tài khoản). Lỗi nào cũng được liệt kê đủ và không lưu gì. "
            "Gửi lại cùng partner_reference trả về hồ sơ đã nhận (200)."
        ),
        tags=["Hệ thống đối tác"],
        request=PushInSerializer,
        responses={
            201: StatusOutSerializer,
            200: OpenApiResponse(
                StatusOutSerializer, description="Hồ sơ với partner_reference này đã được nhận trước đó."
            ),
            400: OpenApiResponse(_ERROR, description="Hồ sơ chưa hợp lệ; problems liệt kê mọi vấn đề."),
            401: OpenApiResponse(_ERROR, description="Thiếu hoặc sai khoá API."),
            403: OpenApiResponse(
                _ERROR, description="Khoá API không có quyền dossiers:push, hoặc nơi tiếp nhận ngoài phạm vi."
            ),
            409: OpenApiResponse(_ERROR, description="Thủ tục không nhận hồ sơ trực tuyến."),
        },
    )
    def post(self, request: Request) -> Response:
        incoming = PushInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        push = partner_service.Push(
            partner_reference=data["partner_reference"],
            procedure_code=data["procedure_code"],
            receiving_agency_code=data.get("receiving_agency_code") or "",
            applicant=partner_service.PushedApplicant(**data["applicant"]),
            form_data=data.get("form_data") or {},
            files=tuple(partner_service.PushedFile(**f) for f in data.get("files") or []),
            result_channel=data.get("result_channel") or ResultChannel.COUNTER,
        )
        result = partner_service.dossier_push(partner=request.auth, push=push)
        return Response(
            StatusOutSerializer(status_data(result.dossier)).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class PushedStatusView(PartnerView):
    @extend_schema(
        operation_id="partner_dossier_status",
        summary="Trạng thái hồ sơ đã gửi, theo mã hồ sơ bên gửi",
        tags=["Hệ thống đối tác"],
        parameters=[OpenApiParameter("reference", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: StatusOutSerializer, 404: OpenApiResponse(_ERROR, description="Không có hồ sơ này.")},
    )
    def get(self, request: Request, reference: str) -> Response:
        dossier = partner_service.partner_dossier(partner=request.auth, reference=reference)
        if dossier is None:
            return _not_found()
        return Response(StatusOutSerializer(status_data(dossier)).data)


class CodeStatusView(PartnerView):
    @extend_schema(
        operation_id="partner_status_by_code",
        summary="Đồng bộ trạng thái hồ sơ theo mã hồ sơ",
        tags=["Hệ thống đối tác"],
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: StatusOutSerializer, 404: OpenApiResponse(_ERROR, description="Không có hồ sơ này.")},
    )
    def get(self, request: Request, code: str) -> Response:
        dossier = partner_service.dossier_by_code(partner=request.auth, code=code)
        if dossier is None:
            return _not_found()
        return Response(StatusOutSerializer(status_data(dossier)).data)


urlpatterns = [
    path("partner/dossiers/", PushView.as_view(), name="api-partner-push"),
    path("partner/dossiers/<str:reference>/", PushedStatusView.as_view(), name="api-partner-dossier"),
    path("partner/status/<str:code>/", CodeStatusView.as_view(), name="api-partner-status"),
]
