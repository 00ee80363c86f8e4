"""What the SLA timers already sent about a dossier (nhắc việc, cảnh báo), so that no run sends it twice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """One reminder or escalation about one dossier, for one due moment (``dossiers.timers``).

    The row is written in the same transaction as the messages it stands for: either both exist or neither. The
    unique (dossier, kind, moment) makes a second run, a late run or two runs at once send nothing new; a due date
    that moves (a supplement restarts the clock, an apology slip sets a new appointment, the calendar changes) is a
    new moment and earns a new reminder.
    """

    class Kind(models.TextChoices):
        DESK_CHECK = "desk_check", _("Nhắc kiểm tra, tiếp nhận hồ sơ trực tuyến")
        DESK_OVERDUE = "desk_overdue", _("Quá hạn kiểm tra, tiếp nhận hồ sơ trực tuyến")
        NEAR_DUE = "near_due", _("Sắp đến hạn trả kết quả")
        APOLOGY_DUE = "apology_due", _("Nhắc lập phiếu xin lỗi và hẹn lại")
        OVERDUE = "overdue", _("Quá hạn giải quyết")
        SUPPLEMENT_REVIEW = "supplement_review", _("Hồ sơ đã bổ sung chưa được xử lý tiếp")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    # The moment the reminder is about: the desk's or the dossier's due moment, or when the supplement arrived.
    moment = models.DateTimeField(_("mốc thời gian"))
    sent_at = models.DateTimeField(_("gửi lúc"))
    recipients = models.PositiveSmallIntegerField(_("số người nhận"), default=0)

    class Meta:
        verbose_name = _("nhắc việc")
        verbose_name_plural = _("nhắc việc")
        ordering = ["dossier", "sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind", "moment"], name="unique_reminder_per_moment"),
        ]
        # The sweeps look up the reminders of one kind whose moment falls in their window (dossiers.timers).
        indexes = [models.Index(fields=["kind", "moment", "dossier"], name="reminder_kind_moment_idx")]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.get_kind_display()} — {self.moment:%d/%m/%Y %H:%M}"
