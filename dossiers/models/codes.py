"""Daily dossier-code sequences per receiving agency (ND 61/2018 art 26; TT 01/2018 art 19)."""

from __future__ import annotations

from django.db import models


class DossierCodeSequence(models.Model):
    agency = models.ForeignKey("portal.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="unique_code_sequence_day")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day:%y%m%d} {self.last:04d}"
