"""The citizen's personal document store (kho dữ liệu cá nhân): documents given once are not asked again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import clock  # business moments follow the portal clock (tests move it for every process)


def stored_document_path(instance: StoredDocument, filename: str) -> str:
    return f"store/{instance.owner_id}/{instance.sha256}"


class StoredDocument(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="stored_documents",
        verbose_name=_("chủ sở hữu"),
    )
    kind = models.ForeignKey(
        "procedures.DocumentKind", on_delete=models.PROTECT, related_name="+", verbose_name=_("loại giấy tờ")
    )
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    issuer = models.CharField(_("cơ quan cấp"), max_length=255, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    valid_until = models.DateField(_("có giá trị đến"), null=True, blank=True)
    file = models.FileField(_("tệp"), upload_to=stored_document_path, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("định dạng"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    verified_at = models.DateTimeField(_("xác thực lúc"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cán bộ xác thực"),
    )
    created_at = models.DateTimeField(_("lưu lúc"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("kho dữ liệu cá nhân")
        ordering = ["owner", "kind", "-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}".strip()
