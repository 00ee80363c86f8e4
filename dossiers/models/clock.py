"""The processing clock as an append-only log (DESIGN §5); due_at is derived from it, never edited."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models.append_only import AppendOnlyModel


class ClockEntry(AppendOnlyModel):
    class Kind(models.TextChoices):
        STARTED = "started", _("Bắt đầu tính thời hạn")
        PAUSED = "paused", _("Tạm dừng")
        RESUMED = "resumed", _("Tiếp tục")
        RESTARTED = "restarted", _("Tính lại từ đầu")
        EXTENDED = "extended", _("Gia hạn")
        RECOMPUTED = "recomputed", _("Tính lại do thay đổi lịch làm việc")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="clock_entries")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("thời điểm"))
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    new_due_at = models.DateTimeField(_("hẹn mới"), null=True, blank=True)
    event = models.ForeignKey(
        "dossiers.DossierEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="clock_entries"
    )

    class Meta:
        verbose_name = _("mốc thời hạn")
        verbose_name_plural = _("mốc thời hạn")
        ordering = ["dossier", "at", "pk"]
