"""Documents the portal issues for a dossier: forms Mẫu 01–06, stop notice, application PDF, the result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import clock  # business moments follow the portal clock (tests move it for every process)


def issued_document_path(instance: IssuedDocument, filename: str) -> str:
    return f"issued/{instance.dossier_id or 'book'}/{instance.kind}-{instance.sha256[:16]}.pdf"


class IssuedDocument(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "mau01", _("Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
        SUPPLEMENT_REQUEST = "mau02", _("Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSAL = "mau03", _("Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ")
        APOLOGY = "mau04", _("Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả")
        CONTROL_SHEET = "mau05", _("Mẫu 05 — Phiếu kiểm soát quá trình giải quyết hồ sơ")
        TRACKING_BOOK = "mau06", _("Mẫu 06 — Sổ theo dõi hồ sơ")
        STOP_NOTICE = "stop", _("Thông báo dừng giải quyết hồ sơ")
        APPLICATION = "application", _("Đơn đề nghị (bản để ký số)")
        SIGNED_APPLICATION = "signed_application", _("Đơn đề nghị đã ký số")
        REJECTION = "rejection", _("Văn bản trả lời không giải quyết")
        RESULT_DRAFT = "result_draft", _("Dự thảo kết quả")
        RESULT = "result", _("Kết quả giải quyết (đã ký số)")

    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("số"), max_length=60, blank=True)
    file = models.FileField(_("tệp"), upload_to=issued_document_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("lập lúc"), default=clock.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("ký số lúc"), null=True, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=255, blank=True)
    signature_verdict = models.JSONField(_("kết quả kiểm tra chữ ký"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản đã lập")
        verbose_name_plural = _("văn bản đã lập")
        ordering = ["dossier", "kind", "-created_at"]
        indexes = [models.Index(fields=["dossier", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()
