"""The competent department's writes (ND 61/2018 art 19): assign, verify and consult, pass to another agency
(liên thông), and propose a result — an uploaded PDF or a simple generated document — or a reasoned rejection.

Status changes are ``dossiers.workflow``'s. A proposal's draft and the ``propose`` transition are one transaction:
a refused proposal leaves no draft behind.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from dossiers import uploads, workflow
from dossiers.documents import common, formatting, render
from dossiers.models import Dossier, DossierEvent, IssuedDocument
from dossiers.models.core import Outcome
from dossiers.services.desk import record_officer_action
from portal import clock
from portal.exceptions import NotAllowed, ValidationProblems
from portal.models import Agency, User
from portal.permissions import may

RESULT_TEMPLATE = "dossiers/desk/papers/result.html"
MAX_DRAFT_MB = 20


def assign(*, dossier: Dossier, by: User, to_user: User, note: str = "") -> Dossier:
    """A leader (or the desk) assigns the dossier to a specialist, or a specialist takes it (art 19.1); paper
    dossiers reach the department by the 15:00 rule, which the workflow applies at receipt."""
    with transaction.atomic():
        dossier = workflow.assign(dossier, by=by, to_user=to_user, note=note)
        record_officer_action(by, "assign", dossier, assignee=to_user.pk)
    return dossier


def record_work(*, dossier: Dossier, by: User, kind: str, note: str, data: dict | None = None) -> DossierEvent:
    """A verification (time, place, who took part: art 19.3) or a consultation of another body (art 19.5)."""
    with transaction.atomic():
        event = workflow.record_work(dossier, by=by, kind=kind, note=note, data=data)
        record_officer_action(by, kind, dossier)
    return event


def transfer(
    *,
    dossier: Dossier,
    by: User,
    to_agency: Agency,
    lead: bool = False,
    share_days: Decimal | float | None = None,
    note: str = "",
) -> Dossier:
    """Pass the dossier to another agency (liên thông) with that agency's own time and, if it leads, named as the
    lead agency (art 19.6–7); the handover is a row of Mẫu 05."""
    with transaction.atomic():
        dossier = workflow.transfer(
            dossier,
            by=by,
            to_agency=to_agency,
            note=note,
            lead=lead,
            share_days=float(share_days) if share_days is not None else None,
        )
        record_officer_action(by, "transfer", dossier, to_agency=to_agency.code, lead=lead)
    return dossier


# --------------------------------------------------------------------------------------------- drafts


@dataclass(frozen=True)
class DraftText:
    """A simple result document the portal writes for the specialist (when the result is a letter or a decision
    with no form of its own): its number, title and body."""

    title: str
    body: str
    number: str = ""


def _require_processor(dossier: Dossier, by: User) -> None:
    if not may(by, "dossier.process", dossier.current_department or dossier.competent_agency):
        raise NotAllowed(_("Bạn không có quyền xử lý hồ sơ của đơn vị này."))


def _store_draft(*, dossier: Dossier, by: User, pdf: bytes, number: str) -> IssuedDocument:
    document = IssuedDocument(
        dossier=dossier,
        kind=IssuedDocument.Kind.RESULT_DRAFT,
        number=number.strip()[:60],
        sha256=hashlib.sha256(pdf).hexdigest(),
        created_by=by,
    )
    document.file.save(f"{IssuedDocument.Kind.RESULT_DRAFT}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


def render_draft(*, dossier: Dossier, by: User, text: DraftText, outcome: str) -> bytes:
    """The PDF of a generated result (or rejection letter), on A4, headed by the competent agency, with the
    applicant, the procedure and the dossier code; the leader's digital signature is added at approval."""
    problems = []
    if not text.title.strip():
        problems.append(_("Nhập tên văn bản."))
    if not text.body.strip():
        problems.append(_("Nhập nội dung văn bản."))
    if problems:
        raise ValidationProblems(_("Dự thảo văn bản chưa đầy đủ."), problems=problems)
    agency = dossier.competent_agency
    with render.paper_language():
        context: dict[str, Any] = {
            **common.common_context(dossier),
            "letterhead": common.letterhead(agency),
            "place_date": formatting.place_and_date(clock.now()),
            "title": text.title.strip(),
            "paragraphs": [p.strip() for p in text.body.strip().split("\n") if p.strip()],
            "rejection": outcome == Outcome.REJECTED,
            "agency_name": agency.name,
            "drafted_by": common.person_name(by),
        }
    return render.render_pdf(RESULT_TEMPLATE, {**context, "number": text.number.strip()}, page_size="A4")


def _uploaded_pdf(upload: Any) -> bytes:
    """An uploaded draft must be a readable PDF (checked by content, as every upload: ``dossiers.uploads``)."""
    cleaned = uploads.inspect(upload, allowed=("pdf",), max_size_mb=MAX_DRAFT_MB)
    return cleaned.content


def propose(
    *,
    dossier: Dossier,
    by: User,
    outcome: str,
    note: str = "",
    upload: Any = None,
    text: DraftText | None = None,
    number: str = "",
) -> Dossier:
    """Propose a result (``approved``) or a reasoned rejection (``rejected``, art 19.8) to the leader, with its
    draft: an uploaded PDF or a document generated from ``text``. The draft and the transition commit together."""
    if outcome not in (Outcome.APPROVED, Outcome.REJECTED):
        raise ValidationProblems(_("Chọn đề xuất: giải quyết hoặc không giải quyết."))
    _require_processor(dossier, by)
    if upload is None and text is None:
        raise ValidationProblems(
            _("Cần kèm dự thảo kết quả hoặc văn bản trả lời."), problems=[_("Tải lên tệp PDF hoặc soạn văn bản.")]
        )
    if upload is not None:
        pdf, number = _uploaded_pdf(upload), number
    else:
        pdf, number = render_draft(dossier=dossier, by=by, text=text, outcome=outcome), text.number or number
    stored: IssuedDocument | None = None
    try:
        with transaction.atomic():
            stored = _store_draft(dossier=dossier, by=by, pdf=pdf, number=number)
            dossier = workflow.propose(dossier, by=by, outcome=outcome, document=stored, note=note)
            record_officer_action(by, "propose", dossier, outcome=outcome, document=stored.pk)
    except BaseException:
        if stored is not None and stored.file.name:
            with contextlib.suppress(OSError):
                stored.file.storage.delete(stored.file.name)
        raise
    return dossier
