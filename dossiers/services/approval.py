"""The leader's writes (lãnh đạo): approve and sign the result, send a proposal back, the apology slip (Mẫu 04),
stopping the processing (ND 61/2018 art 19.1, 19.8–19.9; ND 45/2020 art 14; Long An 30/2019 art 11.3).

Approval signs first and then approves, in one transaction that holds the dossier's row lock from the start: a
second leader clicking at the same moment is refused at once (nothing signed twice), a signing failure (no
certificate, a broken draft) changes nothing, and a failed approval leaves no signed result behind.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from dossiers import documents, workflow
from dossiers.models import ApologySlip, Dossier, IssuedDocument, Status
from dossiers.selectors.desk import leader_agency
from dossiers.services.desk import record_officer_action
from portal.exceptions import ConcurrentChange, InvalidTransition, NotAllowed
from portal.models import User
from portal.permissions import may


def _lock(dossier: Dossier) -> Dossier:
    try:
        return (
            Dossier.objects.select_for_update(nowait=True, of=("self",))
            .select_related("procedure_version", "competent_agency", "receiving_agency", "current_department")
            .get(pk=dossier.pk)
        )
    except DatabaseError:
        raise ConcurrentChange(
            _("Hồ sơ đang được cán bộ khác xử lý. Vui lòng tải lại trang và thử lại sau giây lát.")
        ) from None


def approve(*, dossier: Dossier, by: User) -> Dossier:
    """Approve the proposal: the draft is signed with the agency's certificate (PAdES, visible stamp), verified,
    stored as the result (or the reasoned rejection letter), and the dossier moves to "result ready"."""
    signed: IssuedDocument | None = None
    try:
        with transaction.atomic():
            locked = _lock(dossier)
            if not may(by, "dossier.approve", leader_agency(locked)):
                raise NotAllowed(_("Bạn không có quyền phê duyệt hồ sơ của cơ quan này."))
            if locked.status != Status.AWAITING_APPROVAL:
                raise InvalidTransition(
                    _("Hồ sơ không còn chờ phê duyệt (trạng thái hiện tại: “%(status)s”).")
                    % {"status": Status(locked.status).label}
                )
            signed = documents.sign_result(locked, by=by, agency=locked.competent_agency)
            locked = workflow.approve(locked, by=by, signed_result=signed)
            record_officer_action(by, "approve", locked, document=signed.pk, outcome=locked.outcome)
    except BaseException:
        if signed is not None and signed.file.name:  # its row was rolled back: remove the bytes too
            with contextlib.suppress(OSError):
                signed.file.storage.delete(signed.file.name)
        raise
    return locked


def send_back(*, dossier: Dossier, by: User, comment: str) -> Dossier:
    """Return the proposal to the specialist with the leader's comment."""
    with transaction.atomic():
        dossier = workflow.send_back(dossier, by=by, comment=comment)
        record_officer_action(by, "send_back", dossier)
    return dossier


def issue_apology(
    *, dossier: Dossier, by: User, reason: str, new_due_at: datetime, legal_basis: str = ""
) -> ApologySlip:
    """The apology slip and new appointment (Mẫu 04): at least one working day before due, once per dossier,
    published on the portal (Long An 30/2019 art 11.3); the dossier counts as late whatever follows."""
    with transaction.atomic():
        slip = workflow.issue_apology(dossier, by=by, reason=reason, new_due_at=new_due_at, legal_basis=legal_basis)
        record_officer_action(by, "issue_apology", slip.dossier, new_due_at=new_due_at.isoformat())
    return slip


def stop(*, dossier: Dossier, by: User, reason: str) -> Dossier:
    """Stop processing with a notice (the supplement never came, or the law requires it)."""
    with transaction.atomic():
        dossier = workflow.stop(dossier, by=by, reason=reason)
        record_officer_action(by, "stop", dossier)
    return dossier
