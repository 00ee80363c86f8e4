"""Decreed changes to the working calendar (ngày nghỉ bù, ngày làm bù), on top of public holidays."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """An extra day off or a compensatory working day decreed for a year.

    Public holidays (Labour Code 2019 art 112, lunar ones included) come from the ``holidays`` package;
    the government's yearly swaps are data here. ``effective_from`` is when the decision takes effect:
    the calendar in force on a date only includes overrides already effective then. ``agency`` empty means
    the whole province; otherwise the agency and its sub-tree.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200, help_text=_("Ví dụ: Nghỉ bù Quốc khánh 2/9."))
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    agency = models.ForeignKey(
        "portal.Agency",
        verbose_name=_("áp dụng cho cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_overrides",
        help_text=_("Để trống để áp dụng cho toàn tỉnh."),
    )
    effective_from = models.DateField(_("có hiệu lực từ"), default=timezone.localdate)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")
        ordering = ["date"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()} — {self.name}"
