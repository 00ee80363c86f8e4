"""Files attached to a dossier, per component, in versions that are never overwritten."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import clock  # business moments follow the portal clock (tests move it for every process)


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name carries no part of the user's file name: that is kept in original_name.
    return f"dossiers/{instance.dossier_id}/{instance.sha256[:2]}/{instance.sha256}-{instance.version}"


class Attachment(models.Model):
    """A file given for one component (thành phần hồ sơ) of a dossier.

    A supplement adds a new version; earlier versions stay. Before submission a file may be removed
    (``removed_at``), which hides it from the dossier but keeps the row.
    """

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="attachments")
    component = models.ForeignKey(
        "procedures.Component",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thành phần hồ sơ"),
    )
    version = models.PositiveSmallIntegerField(_("lần nộp"), default=1)
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("định dạng"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    source_document = models.ForeignKey(
        "dossiers.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lấy từ kho dữ liệu"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=clock.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(_("gỡ lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["dossier", "component", "version", "pk"]

    def __str__(self) -> str:
        return self.original_name
