"""Numbers of the slips the portal issues (số phiếu), per agency, year and series, in their own table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentNumber(models.Model):
    """One number given to one slip, e.g. ``12/PBS-TTPVHCC`` (Mẫu 02) or the receipt's line in the tracking book.

    Numbers run from 1 each year per agency and series ("opened for one year and numbered continuously from 01",
    TT 01/2018 art 10). ``subject`` says what the number was given to, so that reprinting the same slip keeps its
    number. Allocation is in ``dossiers/documents/numbering.py``, under a lock.
    """

    agency = models.ForeignKey("portal.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    series = models.CharField(_("loại số"), max_length=12)
    seq = models.PositiveIntegerField(_("số thứ tự"))
    subject = models.CharField(_("cấp cho"), max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("số phiếu")
        verbose_name_plural = _("số phiếu")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "series", "seq"], name="unique_document_number"),
            models.UniqueConstraint(fields=["series", "subject"], name="unique_document_number_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year} #{self.seq} → {self.subject}"
