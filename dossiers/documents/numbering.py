"""Slip numbers (số phiếu) per agency, year and series, allocated race-free (STYLE pattern 8).

A number is allocated under a transaction-scoped PostgreSQL advisory lock on (agency, year, series) and inserted
into its own table (``DocumentNumber``), so concurrent issuers never get the same number and readers of dossiers
never wait. On SQLite every transaction takes the write lock at BEGIN (``transaction_mode IMMEDIATE``), which
serialises allocators the same way. A rolled-back issue gives its number back: the series has no gaps.

The number is tied to its subject (the dossier for a receipt, the supplement request for Mẫu 02, …): asking again
for the same subject returns the same number, so a reprint is the same slip.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max

from dossiers.models import DocumentNumber
from portal.models import Agency

from .formatting import agency_symbol


class Series:
    """Number series and how they are written; ``{n}`` is the number, ``{agency}`` the agency's symbol."""

    RECEIPT = "TNHS"  # Mẫu 01: "Số: …/TNHS"; the same number is the receipt's line in the tracking book (Mẫu 06)
    SUPPLEMENT_REQUEST = "PBS"  # Mẫu 02: "…/PBS-…"
    REFUSAL = "PTC"  # Mẫu 03: "…/PTC-…"
    APOLOGY = "PXL"  # Mẫu 04
    STOP_NOTICE = "TB-DGQ"  # thông báo dừng giải quyết

    FORMATS = {
        RECEIPT: "{n:02d}/TNHS",
        SUPPLEMENT_REQUEST: "{n:02d}/PBS-{agency}",
        REFUSAL: "{n:02d}/PTC-{agency}",
        APOLOGY: "{n:02d}/PXL-{agency}",
        STOP_NOTICE: "{n:02d}/TB-{agency}",
    }


@dataclass(frozen=True)
class Number:
    agency: Agency
    year: int
    series: str
    seq: int

    @property
    def text(self) -> str:
        return Series.FORMATS[self.series].format(n=self.seq, agency=agency_symbol(self.agency))

    def __str__(self) -> str:
        return self.text


def _lock(*, agency_id: int, year: int, series: str) -> None:
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"motcua:docnum:{agency_id}:{year}:{series}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _as_number(row: DocumentNumber) -> Number:
    return Number(agency=row.agency, year=row.year, series=row.series, seq=row.seq)


def existing(*, series: str, subject: str) -> Number | None:
    """The number already given to ``subject`` in ``series``, without allocating one."""
    row = DocumentNumber.objects.select_related("agency").filter(series=series, subject=subject).first()
    return _as_number(row) if row else None


def allocate(*, agency: Agency, year: int, series: str, subject: str) -> Number:
    """The number of ``subject`` in ``series``: the one it already has, or the next one of (agency, year)."""
    if series not in Series.FORMATS:
        raise ValueError(f"Unknown number series {series!r}")
    found = existing(series=series, subject=subject)
    if found:
        return found
    with transaction.atomic():
        _lock(agency_id=agency.pk, year=year, series=series)
        # Another issuer of the same subject may have won while we waited for the lock.
        found = existing(series=series, subject=subject)
        if found:
            return found
        last = DocumentNumber.objects.filter(agency=agency, year=year, series=series).aggregate(m=Max("seq"))["m"]
        row = DocumentNumber.objects.create(
            agency=agency, year=year, series=series, seq=(last or 0) + 1, subject=subject
        )
    return _as_number(row)
