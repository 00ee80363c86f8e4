"""Statistics rollups (số liệu tổng hợp): running totals per slice and day.

A *slice* is one combination of the dimensions statistics are filtered and grouped by: the competent agency,
the sector, the procedure and the intake channel. For each slice, a ``DailyStat`` row holds running totals
(cumulative from the beginning of time up to and including its ``day``) of the per-day counters defined in
``reporting/stats.py``. Rows exist only for days on which something changed; the totals at any day are those of
the latest row on or before it. Any statistic of any period is then the difference of two such rows per slice,
and a stock (pending, overdue) is the value of one row, so a year of the whole province reads three rows per
slice, whatever the number of dossiers behind them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatSlice(models.Model):
    """One combination of competent agency, sector, procedure and intake channel (lát cắt thống kê)."""

    agency = models.ForeignKey(
        "portal.Agency", verbose_name=_("cơ quan giải quyết"), on_delete=models.PROTECT, related_name="+"
    )
    sector = models.ForeignKey(
        "procedures.Sector", verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.PositiveSmallIntegerField(_("kênh nộp"))

    class Meta:
        verbose_name = _("lát cắt thống kê")
        verbose_name_plural = _("lát cắt thống kê")
        constraints = [
            models.UniqueConstraint(fields=["agency", "sector", "procedure", "channel"], name="unique_stat_slice"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.sector_id}/{self.procedure_id}/{self.channel}"


class DailyStat(models.Model):
    """Running totals of one slice at the end of one day (Asia/Ho_Chi_Minh). Maintained by reporting.services."""

    # The unique (slice, day) index serves every read; no separate index on slice alone.
    slice = models.ForeignKey(StatSlice, on_delete=models.CASCADE, related_name="days", db_index=False)
    day = models.DateField(_("ngày"))
    received = models.BigIntegerField(default=0)
    resolved_early = models.BigIntegerField(default=0)
    resolved_on_time = models.BigIntegerField(default=0)
    resolved_late = models.BigIntegerField(default=0)
    closed_unresolved = models.BigIntegerField(default=0)
    returned_postal = models.BigIntegerField(default=0)
    left_pending = models.BigIntegerField(default=0)
    overdue_in = models.BigIntegerField(default=0)
    overdue_out = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu ngày")
        verbose_name_plural = _("số liệu ngày")
        constraints = [models.UniqueConstraint(fields=["slice", "day"], name="unique_daily_stat")]

    def __str__(self) -> str:
        return f"{self.slice_id} {self.day:%d/%m/%Y}"
