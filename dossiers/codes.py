"""Dossier codes and lookup secrets.

The code (ND 61/2018 art 26; TT 01/2018 art 19) is ``<receiving agency code>-<YYMMDD of receipt>-<daily
sequence, at least 4 digits>``, e.g. ``000.00.31.H56-261123-0007``. The sequence restarts daily per agency. It is
allocated with one atomic upsert on the (agency, day) row: the row stays locked until the accepting transaction
ends, so concurrent acceptances wait for each other — no two get the same number, and a rolled-back acceptance
gives its number back (no gaps).

The lookup secret printed in the receipt's QR code is random and stored (a printed slip outlives key rotation),
and compared in constant time.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.db import connection
from django.utils.crypto import constant_time_compare

from dossiers.models import Dossier, DossierCodeSequence
from portal.models import Agency

SEQUENCE_DIGITS = 4


def next_sequence(*, agency: Agency, day: date) -> int:
    """The next number for ``agency`` on ``day``; call inside the accepting transaction."""
    table = DossierCodeSequence._meta.db_table
    with connection.cursor() as cursor:
        # One statement on both PostgreSQL and SQLite (3.35+): insert 1, or add 1 under the row lock.
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - table name is ours
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        return cursor.fetchone()[0]


def format_code(*, agency_code: str, day: date, sequence: int) -> str:
    return f"{agency_code}-{day:%y%m%d}-{sequence:0{SEQUENCE_DIGITS}d}"


def allocate_code(*, agency: Agency, day: date) -> str:
    return format_code(agency_code=agency.code, day=day, sequence=next_sequence(agency=agency, day=day))


def new_lookup_secret() -> str:
    return secrets.token_urlsafe(12)


def check_lookup_secret(dossier: Dossier, secret: str | None) -> bool:
    """True when ``secret`` is the dossier's QR secret (constant time; empty never matches)."""
    if not secret or not dossier.lookup_secret:
        return False
    return constant_time_compare(dossier.lookup_secret, secret)


def lookup_path(dossier: Dossier) -> str:
    """The path printed in the receipt's QR code (DESIGN §8)."""
    return f"/tra-cuu/{dossier.code}/?k={dossier.lookup_secret}"
