"""Dossiers brought to a given state through the workflow and the desk's services (never by setting the status)."""

from __future__ import annotations

from dossiers import workflow
from dossiers.models import Dossier
from dossiers.services import approval, desk, processing
from tests.desk.conftest import World


def received(world: World) -> Dossier:
    return desk.accept(dossier=world.submitted(), by=world.receiver)


def processing_(world: World) -> Dossier:
    return processing.assign(dossier=received(world), by=world.leader, to_user=world.specialist)


def proposed(world: World, *, outcome: str = "approved") -> Dossier:
    return processing.propose(
        dossier=processing_(world),
        by=world.specialist,
        outcome=outcome,
        note="Hồ sơ đủ điều kiện." if outcome == "approved" else "Không đủ điều kiện theo quy định.",
        text=processing.DraftText(title="Quyết định giải quyết", body="Chấp thuận yêu cầu của ông/bà."),
    )


def result_ready(world: World) -> Dossier:
    """Needs the ``signing`` fixture: the leader signs with the department's certificate."""
    return approval.approve(dossier=proposed(world), by=world.leader)


def returned(world: World, *, channel: str = "counter") -> Dossier:
    return desk.return_result(
        dossier=result_ready(world), by=world.receiver, channel=channel, received_by_name="Nguyễn Văn An"
    )


STATES = {
    "submitted": lambda w: w.submitted(),
    "received": received,
    "processing": processing_,
    "awaiting_approval": proposed,
    "result_ready": result_ready,
}


def reload(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


__all__ = ["STATES", "processing_", "proposed", "received", "reload", "result_ready", "returned", "workflow"]
