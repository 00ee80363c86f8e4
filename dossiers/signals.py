"""Facts the dossiers app announces to higher apps (reporting, feedback), which must not be imported here.

``dossier_changed`` is sent *inside* the transaction of every write that changes a dossier's reporting
fields (status, dates, agency, procedure, channel), with snapshots before and after, so that receivers
(the statistics rollups) update in the same transaction. ``before`` is None for a new dossier.
"""

from __future__ import annotations

from django.dispatch import Signal

dossier_changed = Signal()  # kwargs: dossier, before: dict | None, after: dict

REPORTING_FIELDS = (
    "status",
    "outcome",
    "channel",
    "result_channel",
    "procedure_id",
    "sector_id",
    "receiving_agency_id",
    "competent_agency_id",
    "received_at",
    "due_at",
    "resolved_at",
    "returned_at",
    "withdrawn_at",
    "refused_at",
    "stopped_at",
    "was_late",
)


def snapshot(dossier) -> dict:
    return {name: getattr(dossier, name) for name in REPORTING_FIELDS}
