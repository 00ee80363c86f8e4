"""Mẫu 05 — Phiếu kiểm soát quá trình giải quyết hồ sơ (process control sheet; TT 01/2018 art 9, 13).

Fields (research/regulations.md §2): the dossier code; the lead agency or department; the coordinating agencies;
the date received; the appointment (hh:mm dd/mm/yyyy); then one row per handover (``Handover``): from and to unit,
the handover time, giver and receiver, the result of that step (early / on time / late) and notes. The workflow
records each step's result when the step ends (a row recorded without one is classified here the same way, by
``dossiers.deadlines``); an unfinished step shows as in progress.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from dossiers import deadlines
from dossiers.models import Dossier, Handover, IssuedDocument
from portal.models import Agency, User

from . import formatting
from .common import DocumentNotAvailable, DocumentSpec, common_context, letterhead, person_name

KIND = IssuedDocument.Kind.CONTROL_SHEET
TEMPLATE = "dossiers/documents/mau05_control_sheet.html"
PAGE_SIZE = "A5 landscape"

StepResult = Handover.StepResult


def step_result(*, completed_at: datetime | None, step_due_at: datetime | None) -> str:
    """Early / on time / late for a finished step with a due time (``deadlines.classify_step``: by date, as for the
    whole dossier); "" for a step still in progress or without its own time limit."""
    if completed_at is None or step_due_at is None:
        return ""
    return StepResult(deadlines.classify_step(completed_at=completed_at, step_due_at=step_due_at).value)


def _unit(agency: Agency | None, user: User | None) -> str:
    parts = [agency.name if agency else "", person_name(user)]
    return " — ".join(p for p in parts if p)


def rows_of(dossier: Dossier) -> list[dict[str, Any]]:
    rows = []
    handovers = dossier.handovers.select_related("from_agency", "to_agency", "from_user", "to_user").order_by("seq")
    for h in handovers:
        result = h.result or step_result(completed_at=h.completed_at, step_due_at=h.step_due_at)
        rows.append(
            {
                "seq": h.seq,
                "step": h.step_name,
                "from": _unit(h.from_agency, h.from_user),
                "to": _unit(h.to_agency, h.to_user),
                "giver": person_name(h.from_user),
                "receiver": person_name(h.to_user),
                "handed_at": formatting.short_moment(h.handed_at),
                "due": formatting.short_moment(h.step_due_at),
                "completed": formatting.short_moment(h.completed_at),
                "result": result,
                "result_label": StepResult(result).label if result else _("Đang thực hiện"),
                "note": h.note,
            }
        )
    return rows


def lead_and_coordinating(dossier: Dossier) -> tuple[Agency, list[Agency]]:
    """The lead agency (named on a transfer, else the competent agency) and the other agencies that took part."""
    handovers = list(dossier.handovers.select_related("from_agency", "to_agency"))
    lead = next((h.to_agency for h in handovers if h.is_lead and h.to_agency), None) or dossier.competent_agency
    own = (lead, dossier.receiving_agency)
    others: dict[int, Agency] = {}
    for h in handovers:
        for agency in (h.from_agency, h.to_agency):
            if agency and not any(agency.is_within(a) or a.is_within(agency) for a in own):
                others.setdefault(agency.pk, agency)
    return lead, list(others.values())


def build(dossier: Dossier, *, by: User | None = None, **extra: Any) -> DocumentSpec:
    if not dossier.received_at:
        raise DocumentNotAvailable(_("Hồ sơ chưa được tiếp nhận nên chưa có phiếu kiểm soát quá trình."))
    lead, coordinating = lead_and_coordinating(dossier)
    context = {
        **common_context(dossier),
        "letterhead": letterhead(dossier.receiving_agency, desk=True),
        "place_date": formatting.place_and_date(dossier.received_at),
        "lead_name": lead.name,
        "coordinating": [a.name for a in coordinating],
        "rows": rows_of(dossier),
    }
    return DocumentSpec(kind=KIND, template=TEMPLATE, page_size=PAGE_SIZE, context=context)
