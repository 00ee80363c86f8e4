"""What the desk and the departments record while handling a dossier."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplementRequest(models.Model):
    """A request to supplement the dossier, all items at once (một lần đầy đủ), Mẫu 02."""

    class Stage(models.TextChoices):
        INTAKE = "intake", _("Khi tiếp nhận")
        APPRAISAL = "appraisal", _("Trong quá trình thẩm định")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="supplement_requests")
    stage = models.CharField(_("giai đoạn"), max_length=10, choices=Stage.choices)
    items = models.JSONField(_("nội dung cần bổ sung"), default=list, help_text='[{"item": …, "reason": …}]')
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("bổ sung lúc"), null=True, blank=True)
    answer_note = models.TextField(_("ghi chú của người nộp"), blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung")
        verbose_name_plural = _("yêu cầu bổ sung")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.get_stage_display()} — {self.requested_at:%d/%m/%Y}"


class Handover(models.Model):
    """One row of the process control sheet, Mẫu 05: who handed the dossier to whom, and how that step went."""

    class StepResult(models.TextChoices):
        EARLY = "early", _("Trước hạn")
        ON_TIME = "on_time", _("Đúng hạn")
        LATE = "late", _("Trễ hạn")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="handovers")
    seq = models.PositiveSmallIntegerField(_("thứ tự"))
    step_name = models.CharField(_("bước"), max_length=255)
    from_agency = models.ForeignKey("portal.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("portal.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    handed_at = models.DateTimeField(_("giao lúc"))
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    result = models.CharField(_("kết quả bước"), max_length=8, choices=StepResult.choices, blank=True)
    is_lead = models.BooleanField(_("cơ quan chủ trì"), default=False)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("bàn giao hồ sơ")
        verbose_name_plural = _("phiếu kiểm soát quá trình")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="unique_handover_seq")]

    def __str__(self) -> str:
        return f"{self.dossier} #{self.seq} {self.step_name}"


class ApologySlip(models.Model):
    """Apology and new appointment (phiếu xin lỗi, Mẫu 04): once per dossier, published on the portal."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="apology_slip")
    reason = models.TextField(_("lý do chậm"))
    original_due_at = models.DateTimeField(_("hẹn cũ"))
    new_due_at = models.DateTimeField(_("hẹn mới"))
    issued_at = models.DateTimeField(_("lập lúc"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published = models.BooleanField(_("công khai"), default=True)

    class Meta:
        verbose_name = _("phiếu xin lỗi")
        verbose_name_plural = _("phiếu xin lỗi")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.new_due_at:%d/%m/%Y}"
