"""The lifecycle of a dossier (DESIGN §4). This is the only module that changes ``Dossier.status``.

Every arrow is one function. Each one, inside one transaction:
1. locks the dossier row without waiting (a held lock means another officer is acting: ``ConcurrentChange``);
2. checks who may do it (ownership for citizens, ``portal.permissions`` for officers) and from which state;
3. writes the dossier and one ``DossierEvent`` (the process control log), and moves the clock (``dossiers.clock``);
4. sends ``dossier_changed`` (statistics rollups update in the same transaction);
5. stores notifications and enqueues documents with ``transaction.on_commit`` — a rolled-back change is never
   announced, and a failing PDF or message cannot undo a committed change (both are retried by their tasks).

Callers name a verb (``accept``), never a target status. SQLite ignores ``select_for_update``; the write is also
conditional on the expected from-state, so the embedded default has exactly one winner too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from dossiers import clock as dossier_clock
from dossiers import codes
from dossiers.models import (
    ApologySlip,
    Dossier,
    DossierEvent,
    Handover,
    IssuedDocument,
    Status,
    SupplementRequest,
)
from dossiers.models.core import Channel, Outcome, ResultChannel, SignatureStatus
from dossiers.signals import dossier_changed, snapshot
from portal import clock
from portal.exceptions import ConcurrentChange, InvalidTransition, NotAllowed, ValidationProblems
from portal.models import Agency, PartnerSystem, User
from portal.permissions import may
from portal.selectors import calendar_for
from procedures.models import RouteStep

log = logging.getLogger("motcua.workflow")

S = Status
# States from which a citizen may still withdraw (before the result; Bình Định 27/2020, Long An art 8).
_WITHDRAWABLE = (S.SUBMITTED, S.INTAKE_SUPPLEMENT, S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.AWAITING_APPROVAL)
_HANDLING = (S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.AWAITING_APPROVAL)

# verb → {from state: to state}. The only edges a dossier can take; each commented with its basis.
TRANSITIONS: dict[str, dict[str, str]] = {
    # Citizen submits online; the technical check runs first (Long An 30/2019 art 8; Bình Định 27/2020).
    "submit": {S.DRAFT: S.SUBMITTED},
    # Supplement answered: at intake the dossier goes back to the desk; during appraisal back to processing
    # (ND 61/2018 art 17.2, 19.4).
    "answer_supplement": {S.INTAKE_SUPPLEMENT: S.SUBMITTED, S.AWAITING_SUPPLEMENT: S.PROCESSING},
    # Citizen withdraws with a reason before the result.
    "withdraw": {state: S.WITHDRAWN for state in _WITHDRAWABLE},
    # Desk accepts an online dossier: code, receipt (Mẫu 01), clock starts (ND 61 art 17.2–17.3).
    "accept": {S.SUBMITTED: S.RECEIVED},
    # Counter or postal intake: entered and accepted at once (ND 61 art 16, 17.1).
    "intake": {S.DRAFT: S.RECEIVED},
    # Supplement requested, all items at once (một lần đầy đủ, ND 61 art 15.3): at intake the dossier is not
    # received; during appraisal within 3 working days of receipt (art 19.4), the clock stops.
    "request_supplement": {
        S.SUBMITTED: S.INTAKE_SUPPLEMENT,
        S.RECEIVED: S.AWAITING_SUPPLEMENT,
        S.PROCESSING: S.AWAITING_SUPPLEMENT,
    },
    # Refused at intake with reasons, Mẫu 03 (ND 61 art 17.1–17.2).
    "refuse": {S.SUBMITTED: S.REFUSED, S.INTAKE_SUPPLEMENT: S.REFUSED, S.DRAFT: S.REFUSED},
    # The department assigns (or a specialist takes) the dossier (art 19.1).
    "assign": {S.RECEIVED: S.PROCESSING, S.PROCESSING: S.PROCESSING},
    # Inter-agency processing (liên thông), the lead agency named (art 19.6–7).
    "transfer": {S.RECEIVED: S.RECEIVED, S.PROCESSING: S.RECEIVED},
    # The specialist proposes a result or a reasoned rejection (art 19.1, 19.8).
    "propose": {S.PROCESSING: S.AWAITING_APPROVAL},
    # The leader sends the proposal back with a comment.
    "send_back": {S.AWAITING_APPROVAL: S.PROCESSING},
    # The leader approves and signs: a result, or a reasoned rejection letter (art 19.8).
    "approve": {S.AWAITING_APPROVAL: S.RESULT_READY},
    "approve_rejection": {S.AWAITING_APPROVAL: S.REJECTED},
    # Apology slip and new appointment, Mẫu 04, once, at least 1 working day before due (art 19.9).
    "issue_apology": {state: state for state in _HANDLING},
    # Processing stopped with a notice (TT 03/2025 form 05).
    "stop": {state: S.STOPPED for state in _HANDLING},
    # The result (or the rejection letter) is handed back: online, at the counter, or by post (art 20).
    "return_result": {S.RESULT_READY: S.RETURNED, S.REJECTED: S.RETURNED},
}

# Event action labels shown in the timeline. Lazy, with a context: in Vietnamese one phrase names both the act
# ("Rút hồ sơ" on a button) and the event in the history; English needs "Withdraw" there and "Dossier withdrawn" here.
ACTION_LABELS = {
    "create": pgettext_lazy("dossier event", "Tạo hồ sơ"),
    "save_draft": pgettext_lazy("dossier event", "Lưu nháp"),
    "submit": pgettext_lazy("dossier event", "Nộp hồ sơ trực tuyến"),
    "answer_supplement": pgettext_lazy("dossier event", "Bổ sung hồ sơ"),
    "withdraw": pgettext_lazy("dossier event", "Rút hồ sơ"),
    "accept": pgettext_lazy("dossier event", "Tiếp nhận hồ sơ"),
    "intake": pgettext_lazy("dossier event", "Tiếp nhận hồ sơ trực tiếp/qua bưu chính"),
    "request_supplement": pgettext_lazy("dossier event", "Yêu cầu bổ sung hồ sơ"),
    "refuse": pgettext_lazy("dossier event", "Từ chối tiếp nhận"),
    "assign": pgettext_lazy("dossier event", "Phân công xử lý"),
    "transfer": pgettext_lazy("dossier event", "Chuyển liên thông"),
    "consult": pgettext_lazy("dossier event", "Lấy ý kiến phối hợp"),
    "verify": pgettext_lazy("dossier event", "Xác minh, thẩm định"),
    "propose": pgettext_lazy("dossier event", "Trình kết quả"),
    "send_back": pgettext_lazy("dossier event", "Trả lại để xử lý lại"),
    "approve": pgettext_lazy("dossier event", "Phê duyệt, ký kết quả"),
    "approve_rejection": pgettext_lazy("dossier event", "Phê duyệt văn bản không giải quyết"),
    "issue_apology": pgettext_lazy("dossier event", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "stop": pgettext_lazy("dossier event", "Dừng giải quyết"),
    "notify_early_return": pgettext_lazy("dossier event", "Thông báo trả kết quả sớm"),
    "return_result": pgettext_lazy("dossier event", "Trả kết quả"),
    "due_recomputed": pgettext_lazy("dossier event", "Tính lại hạn do thay đổi lịch làm việc"),
    "signature_checked": pgettext_lazy("dossier event", "Kiểm tra chữ ký số của đơn"),
    "application_issued": pgettext_lazy("dossier event", "Lập đơn đề nghị để ký số"),
    "amend_form": pgettext_lazy("dossier event", "Sửa đổi tờ khai khi bổ sung hồ sơ"),
    "overdue": pgettext_lazy("dossier event", "Quá hạn giải quyết"),
}


def allowed_verbs(dossier: Dossier) -> list[str]:
    """Verbs whose from-state matches the dossier now (permissions are checked when the verb is called)."""
    return [verb for verb, edges in TRANSITIONS.items() if dossier.status in edges]


def target_status(verb: str, status: str) -> str:
    edges = TRANSITIONS[verb]
    if status not in edges:
        raise InvalidTransition(
            _("Không thể thực hiện “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": _(ACTION_LABELS.get(verb, verb)), "status": Status(status).label},
            code="invalid_transition",
        )
    return edges[status]


# --------------------------------------------------------------------------------------------- event log


def record_event(
    dossier: Dossier,
    *,
    action: str,
    by: User | None,
    note: str = "",
    data: dict[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
    due_before: datetime | None = None,
    due_after: datetime | None = None,
    public: bool = True,
    at: datetime | None = None,
    actor_label: str = "",
) -> DossierEvent:
    """Append one row to the dossier's process control log."""
    if by is not None and not getattr(by, "is_authenticated", False):
        by = None
    return DossierEvent.objects.create(
        dossier=dossier,
        at=at or clock.now(),
        actor=by,
        actor_label=actor_label or (by.display_name if by else ""),
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
        due_before=due_before,
        due_after=due_after,
        public=public,
    )


# --------------------------------------------------------------------------------------------- internals


def _lock(dossier: Dossier) -> Dossier:
    """Re-read the dossier under a row lock taken without waiting."""
    try:
        return (
            Dossier.objects.select_for_update(nowait=True, of=("self",))
            .select_related("procedure_version", "receiving_agency", "competent_agency", "applicant")
            .get(pk=dossier.pk)
        )
    except DatabaseError:
        raise ConcurrentChange(
            _("Hồ sơ đang được cán bộ khác xử lý. Vui lòng tải lại trang và thử lại sau giây lát.")
        ) from None


def _save(dossier: Dossier, *, expected_status: str, fields: Iterable[str]) -> None:
    """Write ``fields`` only if the status is still ``expected_status`` (one winner, also on SQLite)."""
    values = {name: getattr(dossier, name) for name in set(fields) | {"status"}}
    values["updated_at"] = clock.now()
    updated = Dossier.objects.filter(pk=dossier.pk, status=expected_status).update(**values)
    if updated != 1:
        raise ConcurrentChange(_("Hồ sơ vừa được cán bộ khác xử lý. Vui lòng tải lại trang để xem trạng thái mới."))
    dossier.updated_at = values["updated_at"]


def _announce(dossier: Dossier, before: dict | None) -> None:
    dossier_changed.send(sender=Dossier, dossier=dossier, before=before, after=snapshot(dossier))


@dataclass
class _Move:
    """One transition in progress: the locked dossier, who moves it, from and to which state, and when."""

    d: Dossier
    verb: str
    by: User | None
    from_status: str
    to: str
    now: datetime
    before: dict
    actor_label: str = ""
    event: DossierEvent | None = None
    fields: set[str] = field(default_factory=set)

    def set(self, **values: Any) -> None:
        """Change dossier fields; they are written with the new status."""
        for name, value in values.items():
            setattr(self.d, name, value)
        self.fields.update(values)

    def log(self, **kwargs: Any) -> DossierEvent:
        """The transition's one row in the process control log."""
        self.event = record_event(
            self.d,
            action=self.verb,
            by=self.by,
            from_status=self.from_status,
            to_status=self.to,
            at=self.now,
            actor_label=self.actor_label,
            **kwargs,
        )
        return self.event

    def notify(self, name: str, **context: Any) -> None:
        _notify_applicant(self.d, self.event, name, **context)

    def issue(self, kind: str) -> None:
        _issue_after_commit(self.d, kind)


Guard = Callable[[Dossier], None]


@contextmanager
def _moving(
    dossier: Dossier,
    verb: str | Callable[[Dossier], str],
    *,
    by: User | None,
    guard: Guard,
    via: PartnerSystem | None = None,
) -> Iterator[_Move]:
    """Lock the row, check who may act (``guard``) and from which state, let the caller change the dossier, then
    write it conditionally on the expected from-state and announce it — all in one transaction; anything the
    caller raises rolls everything back."""
    with transaction.atomic():
        d = _lock(dossier)
        guard(d)
        name = verb(d) if callable(verb) else verb
        move = _Move(
            d=d,
            verb=name,
            by=by,
            from_status=d.status,
            to=target_status(name, d.status),
            now=clock.now(),
            before=snapshot(d),
            actor_label=via.name if via else "",
        )
        d.status = move.to  # already the new state while the caller logs and notifies (messages render now)
        yield move
        _save(d, expected_status=move.from_status, fields=move.fields)
        _announce(d, move.before)


def _officer(by: User | None, action: str, agency_of: Callable[[Dossier], Agency]) -> Guard:
    return lambda d: _require_officer(by, action, agency_of(d))


def _owner(by: User | None, via: PartnerSystem | None = None) -> Guard:
    """The applicant, or a partner system pushing on the applicant's behalf (its key was checked by the API)."""
    return (lambda d: None) if via is not None else (lambda d: _require_owner(by, d))


def _desk(d: Dossier) -> Agency:
    return d.receiving_agency


def _handling(d: Dossier) -> Agency:
    return d.current_department or d.competent_agency


def _require_officer(by: User | None, action: str, agency: Agency) -> None:
    if not may(by, action, agency):
        raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này với hồ sơ của cơ quan này."))


def _require_owner(by: User | None, dossier: Dossier) -> None:
    if by is None or not by.is_authenticated or dossier.applicant_id != by.pk:
        raise NotAllowed(_("Bạn chỉ có thể thao tác trên hồ sơ của chính mình."))


def _notify_applicant(dossier: Dossier, event: DossierEvent, name: str, **context: Any) -> None:
    from portal.notifications import notify

    notify(
        user=dossier.applicant,
        event=name,
        context={"dossier": dossier, "event": event, **context},
        dedupe_key=f"dossier:{dossier.pk}:event:{event.pk}:{name}",
        reference=dossier.code or f"#{dossier.pk}",
    )


def _issue_after_commit(dossier: Dossier, kind: str, **extra: Any) -> None:
    """Produce a document once the change is committed; the task is idempotent and retried."""
    from dossiers.tasks import issue_document

    transaction.on_commit(lambda: issue_document.delay(dossier.pk, kind, extra))


def _calendar(agency: Agency):
    return calendar_for(agency)


def _next_handover_seq(dossier: Dossier) -> int:
    return (Handover.objects.filter(dossier=dossier).aggregate(m=Max("seq"))["m"] or 0) + 1


def _close_open_handover(dossier: Dossier, *, at: datetime) -> None:
    """The holder of the dossier hands it on: their step ends now and is marked early/on time/late (Mẫu 05)."""
    from dossiers import deadlines

    for step in Handover.objects.filter(dossier=dossier, completed_at__isnull=True):
        step.completed_at = at
        if step.step_due_at:
            step.result = deadlines.classify_step(completed_at=at, step_due_at=step.step_due_at)
        step.save(update_fields=["completed_at", "result"])


def _route_step(dossier: Dossier, role: str) -> RouteStep | None:
    return dossier.procedure_version.route_steps.filter(role=role).order_by("order").first()


def _step_allowance_hours(dossier: Dossier, role: str) -> float | None:
    """Working hours this role's step is allowed: its share of the procedure's time limit (art 19.6)."""
    from dossiers import deadlines

    step = _route_step(dossier, role)
    if step is None:
        return None
    return deadlines.step_allowance_hours(dossier.procedure_version, step.share_percent)


def _hand_over(
    dossier: Dossier,
    *,
    at: datetime,
    step_name: str,
    role: str,
    from_agency: Agency | None,
    to_agency: Agency | None,
    from_user: User | None,
    to_user: User | None,
    is_lead: bool = False,
    note: str = "",
    allowance_hours: float | None = None,
) -> Handover:
    _close_open_handover(dossier, at=at)
    hours = allowance_hours if allowance_hours is not None else _step_allowance_hours(dossier, role)
    step_due = _calendar(to_agency or dossier.competent_agency).add_working_hours(at, hours) if hours else None
    return Handover.objects.create(
        dossier=dossier,
        seq=_next_handover_seq(dossier),
        step_name=step_name,
        from_agency=from_agency,
        to_agency=to_agency,
        from_user=from_user,
        to_user=to_user,
        handed_at=at,
        step_due_at=step_due,
        is_lead=is_lead,
        note=note,
    )


def _step_agency(dossier: Dossier, role: str) -> Agency:
    """The route step's department when it belongs to the competent agency, else the competent agency itself
    (a commune procedure's route names one commune's division; another commune handles its own dossiers)."""
    step = _route_step(dossier, role)
    if step and step.department_id and step.department.is_within(dossier.competent_agency):
        return step.department
    return dossier.competent_agency


def _default_department(dossier: Dossier) -> Agency:
    return _step_agency(dossier, RouteStep.Role.SPECIALIST)


def competent_agency_for(procedure_version, receiving_agency: Agency) -> Agency:
    """Commune-level procedures are decided by the commune whose centre received the dossier; others by the
    agency the procedure names (ND 61/2018 art 14; since 7/2025 any centre of the province may receive)."""
    if procedure_version.administrative_level == "commune":
        for agency in reversed(list(receiving_agency.ancestors())):  # nearest first, the agency itself included
            if agency.kind == Agency.Kind.COMMUNE:
                return agency
    return procedure_version.competent_agency


@dataclass(frozen=True)
class SupplementItem:
    item: str
    reason: str


def _clean_items(items: Iterable[SupplementItem | dict]) -> list[dict[str, str]]:
    cleaned = []
    for raw in items:
        item = raw if isinstance(raw, SupplementItem) else SupplementItem(**raw)
        if item.item.strip():
            cleaned.append({"item": item.item.strip(), "reason": item.reason.strip()})
    problems = []
    if not cleaned:
        problems.append(_("Cần nêu ít nhất một nội dung phải bổ sung."))
    if any(not row["reason"] for row in cleaned):
        problems.append(_("Mỗi nội dung cần bổ sung phải có lý do."))
    if problems:
        raise ValidationProblems(_("Yêu cầu bổ sung chưa đầy đủ."), problems=problems)
    return cleaned


# --------------------------------------------------------------------------------------------- citizen


def create_draft(
    *,
    procedure_version,
    applicant: User,
    receiving_agency: Agency,
    channel: int = Channel.ONLINE,
    form_data: dict | None = None,
    by: User | None = None,
    partner: PartnerSystem | None = None,
    partner_reference: str = "",
) -> Dossier:
    """A new draft dossier, filled with what the applicant's account already says."""
    with transaction.atomic():
        dossier = Dossier.objects.create(
            procedure=procedure_version.procedure,
            procedure_version=procedure_version,
            sector=procedure_version.sector,
            applicant=applicant,
            applicant_name=applicant.display_name,
            applicant_id_number=applicant.citizen_id or applicant.tax_code or "",
            applicant_address=applicant.address,
            applicant_phone=applicant.phone or "",
            applicant_email=applicant.email or "",
            receiving_agency=receiving_agency,
            competent_agency=competent_agency_for(procedure_version, receiving_agency),
            channel=channel,
            status=S.DRAFT,
            form_data=form_data or {},
            lookup_secret=codes.new_lookup_secret(),
            signature_status=(
                SignatureStatus.AT_PICKUP if procedure_version.requires_signature else SignatureStatus.NOT_REQUIRED
            ),
            partner=partner,
            partner_reference=partner_reference,
        )
        record_event(
            dossier,
            action="create",
            by=by or applicant,
            to_status=S.DRAFT,
            public=True,
            actor_label=partner.name if partner else "",
        )
        _announce(dossier, None)
    return dossier


def save_draft(dossier: Dossier, *, by: User, form_data: dict) -> Dossier:
    """Keep the e-form answers of a draft (explicit save or autosave). Validation happens at submit."""
    with transaction.atomic():
        d = _lock(dossier)
        _require_owner(by, d)
        if d.status != S.DRAFT:
            raise InvalidTransition(_("Hồ sơ đã nộp; không thể sửa bản nháp."))
        d.form_data = form_data
        _save(d, expected_status=S.DRAFT, fields=["form_data"])
    return d


def submit(dossier: Dossier, *, by: User | None, via: PartnerSystem | None = None) -> Dossier:
    """Submit online after the automatic technical check; tell the citizen when it counts as received."""
    from dossiers import checks, deadlines

    with _moving(dossier, "submit", by=by, guard=_owner(by, via), via=via) as m:
        problems = checks.technical_check(m.d)
        if problems:
            raise ValidationProblems(_("Hồ sơ chưa đủ điều kiện để nộp."), problems=problems)
        cal = _calendar(m.d.receiving_agency)
        m.set(submitted_at=m.now, desk_due_at=deadlines.desk_due(m.now, cal, hours=checks.desk_check_hours()))
        receipt_moment = cal.receipt_moment(m.now)
        m.log(data={"receipt_moment": receipt_moment.isoformat(), "desk_due_at": m.d.desk_due_at.isoformat()})
        m.notify("dossier.submitted", receipt_moment=receipt_moment)
    return m.d


def answer_supplement(
    dossier: Dossier, *, by: User | None, note: str = "", via: PartnerSystem | None = None
) -> Dossier:
    """The citizen has added what was asked. At intake the desk checks again; during appraisal the clock
    restarts from zero once the complete supplement arrives, or resumes, as the procedure says (art 19.4)."""
    from dossiers import checks, deadlines

    with _moving(dossier, "answer_supplement", by=by, guard=_owner(by, via), via=via) as m:
        d = m.d
        request = d.supplement_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
        problems = checks.supplement_check(d, request, note=note)
        if problems:
            raise ValidationProblems(_("Hồ sơ bổ sung chưa đầy đủ."), problems=problems)
        if request:
            request.answered_at = m.now
            request.answer_note = note
            request.save(update_fields=["answered_at", "answer_note"])
        m.log(note=note, due_before=d.due_at)
        if m.from_status == S.INTAKE_SUPPLEMENT:
            hours = checks.desk_check_hours()
            m.set(submitted_at=m.now, desk_due_at=deadlines.desk_due(m.now, _calendar(d.receiving_agency), hours=hours))
        else:
            moment = _calendar(d.competent_agency).receipt_moment(m.now)
            dossier_clock.after_supplement(d, at=moment, event=m.event)
            m.fields.add("due_at")
        m.notify("dossier.supplement_received")
    return m.d


def withdraw(dossier: Dossier, *, by: User | None, reason: str, via: PartnerSystem | None = None) -> Dossier:
    if not reason.strip():
        raise ValidationProblems(_("Vui lòng nêu lý do rút hồ sơ."), problems=[_("Lý do rút hồ sơ là bắt buộc.")])
    with _moving(dossier, "withdraw", by=by, guard=_owner(by, via), via=via) as m:
        m.set(withdrawn_at=m.now)
        m.log(note=reason.strip())
        _close_open_handover(m.d, at=m.now)
        m.notify("dossier.withdrawn")
    return m.d


# --------------------------------------------------------------------------------------------- desk


def _receive(m: _Move) -> None:
    """Shared by accept and intake: code, receipt moment, clock start, routing to the department."""
    d = m.d
    desk_cal = _calendar(d.receiving_agency)
    received_at = desk_cal.receipt_moment(m.now)
    m.set(
        received_at=received_at,
        code=codes.allocate_code(agency=d.receiving_agency, day=timezone.localdate(received_at)),
        lookup_secret=d.lookup_secret or codes.new_lookup_secret(),
        current_department=_default_department(d),
    )
    m.log(data={"code": d.code, "received_at": received_at.isoformat()})
    dossier_clock.start(d, at=received_at, event=m.event)
    m.fields.add("due_at")
    # Paper dossiers reach the department the same working day, or the next one after 15:00 (ND 61 art 18).
    handed_at = received_at
    if d.channel != Channel.ONLINE:
        from dossiers import deadlines

        handed_at = deadlines.paper_transfer_moment(received_at, desk_cal)
    _hand_over(
        d,
        at=handed_at,
        step_name=_("Chuyển hồ sơ đến đơn vị xử lý"),
        role=RouteStep.Role.SPECIALIST,
        from_agency=d.receiving_agency,
        to_agency=d.current_department,
        from_user=m.by,
        to_user=None,
        is_lead=True,
    )
    m.notify("dossier.accepted")
    m.issue(IssuedDocument.Kind.RECEIPT)


def accept(dossier: Dossier, *, by: User) -> Dossier:
    """The desk accepts an online dossier: dossier code, clock starts, receipt Mẫu 01 (ND 61 art 17.2–17.3)."""
    with _moving(dossier, "accept", by=by, guard=_officer(by, "desk.receive", _desk)) as m:
        _receive(m)
    return m.d


def intake(dossier: Dossier, *, by: User, postal_tracking_number: str = "") -> Dossier:
    """Counter or postal intake: the officer entered the dossier and accepts it at once."""
    from dossiers import checks

    with _moving(dossier, "intake", by=by, guard=_officer(by, "desk.receive", _desk)) as m:
        d = m.d
        if d.channel == Channel.ONLINE:
            raise InvalidTransition(_("Hồ sơ trực tuyến được tiếp nhận bằng thao tác “Tiếp nhận”."))
        if d.channel == Channel.POSTAL and not (postal_tracking_number or d.postal_tracking_number).strip():
            raise ValidationProblems(
                _("Hồ sơ qua bưu chính cần số hiệu bưu gửi."), problems=[_("Nhập số hiệu bưu gửi của hồ sơ.")]
            )
        problems = checks.technical_check(d, at_counter=True)
        if problems:
            raise ValidationProblems(_("Hồ sơ chưa đủ điều kiện để tiếp nhận."), problems=problems)
        if postal_tracking_number:
            m.set(postal_tracking_number=postal_tracking_number.strip())
        m.set(submitted_at=m.now)
        _receive(m)
    return m.d


def request_supplement(
    dossier: Dossier, *, by: User, items: Iterable[SupplementItem | dict], note: str = ""
) -> Dossier:
    """Ask for everything missing at once, with reasons (Mẫu 02). At intake the dossier is not received;
    during appraisal it must be asked within 3 working days of receipt and the clock stops (ND 61 art 19.4)."""
    cleaned = _clean_items(items)

    def guard(d: Dossier) -> None:
        if d.status == S.SUBMITTED:
            _require_officer(by, "desk.receive", d.receiving_agency)
        else:
            _require_officer(by, "dossier.process", _handling(d))
            if d.status in TRANSITIONS["request_supplement"]:
                _check_supplement_window(d)

    with _moving(dossier, "request_supplement", by=by, guard=guard) as m:
        at_intake = m.from_status == S.SUBMITTED
        m.log(
            note=note, due_before=m.d.due_at, data={"items": cleaned, "stage": "intake" if at_intake else "appraisal"}
        )
        SupplementRequest.objects.create(
            dossier=m.d,
            stage=SupplementRequest.Stage.INTAKE if at_intake else SupplementRequest.Stage.APPRAISAL,
            items=cleaned,
            requested_at=m.now,
            requested_by=by,
        )
        if not at_intake:
            dossier_clock.pause(m.d, at=m.now, reason=_("Chờ bổ sung hồ sơ"), event=m.event)
            m.fields.add("due_at")
        m.notify("dossier.supplement_requested", items=cleaned)
        m.issue(IssuedDocument.Kind.SUPPLEMENT_REQUEST)
    return m.d


def _check_supplement_window(d: Dossier) -> None:
    from dossiers import checks

    limit_days = checks.supplement_request_limit_days()
    cal = _calendar(d.competent_agency)
    if d.received_at and cal.working_hours_between(d.received_at, clock.now()) > limit_days * 8:
        raise InvalidTransition(
            _(
                "Đã quá %(days)s ngày làm việc kể từ khi tiếp nhận: không được yêu cầu bổ sung hồ sơ "
                "(Nghị định 61/2018, Điều 19 khoản 4)."
            )
            % {"days": limit_days}
        )


def refuse(dossier: Dossier, *, by: User, reasons: str) -> Dossier:
    """Refuse to receive, with specific reasons (Mẫu 03)."""
    if not reasons.strip():
        raise ValidationProblems(_("Cần nêu rõ lý do từ chối."), problems=[_("Lý do từ chối là bắt buộc.")])
    with _moving(dossier, "refuse", by=by, guard=_officer(by, "desk.receive", _desk)) as m:
        m.set(refused_at=m.now)
        m.log(note=reasons.strip())
        m.notify("dossier.refused", reasons=reasons.strip())
        m.issue(IssuedDocument.Kind.REFUSAL)
    return m.d


# --------------------------------------------------------------------------------------------- department


def assign(dossier: Dossier, *, by: User, to_user: User, note: str = "") -> Dossier:
    """Give the dossier to a specialist of the handling department (a leader assigns; a specialist may take)."""

    def guard(d: Dossier) -> None:
        department = _handling(d)
        if not may(to_user, "dossier.process", department):
            raise ValidationProblems(
                _("Cán bộ được chọn không thuộc đơn vị đang xử lý hồ sơ."),
                problems=[_("Chọn một chuyên viên của %(agency)s.") % {"agency": department}],
            )
        taking_it = by.pk == to_user.pk
        if not (may(by, "dossier.assign", department) or (taking_it and may(by, "dossier.process", department))):
            raise NotAllowed(_("Bạn không có quyền phân công hồ sơ của đơn vị này."))

    with _moving(dossier, "assign", by=by, guard=guard) as m:
        department, previous = _handling(m.d), m.d.assignee
        m.set(assignee=to_user)
        m.log(note=note, data={"assignee": to_user.display_name}, public=False)
        _hand_over(
            m.d,
            at=m.now,
            step_name=_("Thẩm định, xử lý hồ sơ"),
            role=RouteStep.Role.SPECIALIST,
            from_agency=department,
            to_agency=department,
            from_user=previous or by,
            to_user=to_user,
        )
    return m.d


def record_work(dossier: Dossier, *, by: User, kind: str, note: str, data: dict | None = None) -> DossierEvent:
    """Record a verification or a consultation (art 19.3, 19.5) without changing the status."""
    if kind not in ("verify", "consult"):
        raise ValueError(kind)
    if not note.strip():
        raise ValidationProblems(_("Cần ghi nội dung."), problems=[_("Nội dung là bắt buộc.")])
    with transaction.atomic():
        d = _lock(dossier)
        _require_officer(by, "dossier.process", d.current_department or d.competent_agency)
        if d.status not in (S.RECEIVED, S.PROCESSING):
            raise InvalidTransition(_("Chỉ ghi nhận thẩm định, lấy ý kiến khi hồ sơ đang được xử lý."))
        return record_event(d, action=kind, by=by, note=note.strip(), data=data or {}, public=False)


def transfer(
    dossier: Dossier,
    *,
    by: User,
    to_agency: Agency,
    note: str = "",
    lead: bool = False,
    share_days: float | None = None,
) -> Dossier:
    """Inter-agency processing (liên thông): the dossier goes to another agency's desk with its own share of
    the time; the lead agency is named (ND 61 art 19.6–7). ``share_days`` is that agency's own time, in working
    days, when the sending agency sets it (the transfer slip names each agency's deadline); otherwise the
    procedure's specialist share applies."""
    if share_days is not None and share_days <= 0:
        raise ValidationProblems(
            _("Thời gian giao cho cơ quan phối hợp phải lớn hơn 0."), problems=[_("Nhập số ngày làm việc > 0.")]
        )

    def guard(d: Dossier) -> None:
        _require_officer(by, "dossier.process", _handling(d))
        if to_agency.pk == _handling(d).pk:
            raise ValidationProblems(_("Hãy chọn một cơ quan khác."), problems=[_("Cơ quan nhận trùng cơ quan gửi.")])

    with _moving(dossier, "transfer", by=by, guard=guard) as m:
        department = _handling(m.d)
        m.set(current_department=to_agency, assignee=None)
        if lead:
            m.set(competent_agency=to_agency)
        share = float(share_days) if share_days is not None else None
        m.log(
            note=note,
            data={"to_agency": to_agency.code, "to_agency_name": to_agency.name, "lead": lead, "share_days": share},
        )
        _hand_over(
            m.d,
            at=m.now,
            step_name=_("Chuyển liên thông"),
            role=RouteStep.Role.SPECIALIST,
            from_agency=department,
            to_agency=to_agency,
            from_user=by,
            to_user=None,
            is_lead=lead,
            note=note,
            allowance_hours=(
                share * _calendar(to_agency).working_day_length.total_seconds() / 3600 if share is not None else None
            ),
        )
        m.notify("dossier.transferred", to_agency=to_agency, lead=lead)
    return m.d


def propose(
    dossier: Dossier, *, by: User, outcome: str, document: IssuedDocument | None = None, note: str = ""
) -> Dossier:
    """The specialist proposes a result (a draft document) or a reasoned rejection (art 19.1, 19.8)."""
    if outcome not in (Outcome.APPROVED, Outcome.REJECTED):
        raise ValueError(outcome)
    if outcome == Outcome.REJECTED and not note.strip():
        raise ValidationProblems(_("Cần nêu lý do không giải quyết."), problems=[_("Lý do là bắt buộc.")])
    if document is None:
        raise ValidationProblems(
            _("Cần kèm dự thảo kết quả hoặc văn bản trả lời."), problems=[_("Tải lên hoặc tạo dự thảo văn bản.")]
        )
    with _moving(dossier, "propose", by=by, guard=_officer(by, "dossier.process", _handling)) as m:
        if document.dossier_id != m.d.pk:
            raise NotAllowed(_("Văn bản không thuộc hồ sơ này."))
        m.log(note=note, data={"outcome": outcome, "document": document.pk}, public=False)
        _hand_over(
            m.d,
            at=m.now,
            step_name=_("Trình lãnh đạo phê duyệt"),
            role=RouteStep.Role.LEADER,
            from_agency=m.d.current_department,
            to_agency=_leader_agency(m.d),
            from_user=by,
            to_user=None,
        )
    return m.d


def _leader_agency(d: Dossier) -> Agency:
    return _step_agency(d, RouteStep.Role.LEADER)


def current_proposal(dossier: Dossier) -> DossierEvent | None:
    return dossier.events.filter(action="propose").order_by("-at", "-pk").first()


def send_back(dossier: Dossier, *, by: User, comment: str) -> Dossier:
    if not comment.strip():
        raise ValidationProblems(_("Cần ghi ý kiến khi trả lại."), problems=[_("Ý kiến là bắt buộc.")])
    with _moving(dossier, "send_back", by=by, guard=_officer(by, "dossier.approve", _leader_agency)) as m:
        m.log(note=comment.strip(), public=False)
        _hand_over(
            m.d,
            at=m.now,
            step_name=_("Xử lý lại theo ý kiến lãnh đạo"),
            role=RouteStep.Role.SPECIALIST,
            from_agency=_leader_agency(m.d),
            to_agency=_handling(m.d),
            from_user=by,
            to_user=m.d.assignee,
        )
    return m.d


def _approval_verb(d: Dossier) -> str:
    proposal = current_proposal(d)
    if proposal is None:
        raise InvalidTransition(_("Hồ sơ chưa có đề xuất kết quả."))
    return "approve" if proposal.data.get("outcome", Outcome.APPROVED) == Outcome.APPROVED else "approve_rejection"


def approve(dossier: Dossier, *, by: User, signed_result: IssuedDocument) -> Dossier:
    """The leader approves the proposal; ``signed_result`` is the signed result or rejection letter that the
    caller produced (signing happens before this transaction, so a signing failure changes nothing)."""
    from dossiers import deadlines

    with _moving(dossier, _approval_verb, by=by, guard=_officer(by, "dossier.approve", _leader_agency)) as m:
        d = m.d
        if signed_result.dossier_id != d.pk:
            raise NotAllowed(_("Văn bản không thuộc hồ sơ này."))
        outcome = Outcome.APPROVED if m.verb == "approve" else Outcome.REJECTED
        late = bool(d.due_at) and (
            deadlines.classify_resolved(resolved_at=m.now, due_at=d.due_at, was_late=d.was_late)
            == deadlines.Timeliness.LATE
        )
        m.set(outcome=outcome, resolved_at=m.now, was_late=d.was_late or late)
        m.log(data={"document": signed_result.pk, "outcome": outcome})
        _hand_over(
            d,
            at=m.now,
            step_name=_("Chuyển kết quả về bộ phận một cửa"),
            role=RouteStep.Role.RECEIVER,
            from_agency=_leader_agency(d),
            to_agency=d.receiving_agency,
            from_user=by,
            to_user=None,
        )
        m.notify("dossier.result_ready" if outcome == Outcome.APPROVED else "dossier.rejected")
    return m.d


def issue_apology(
    dossier: Dossier, *, by: User, reason: str, new_due_at: datetime, legal_basis: str = ""
) -> ApologySlip:
    """Apology slip and new appointment (Mẫu 04): at least one working day before the due date, once per
    dossier; the dossier counts as late in the statistics whatever follows (ND 61 art 19.9; Long An art 11.3)."""
    if not reason.strip():
        raise ValidationProblems(_("Cần nêu lý do chậm trễ."), problems=[_("Lý do là bắt buộc.")])
    with _moving(
        dossier, "issue_apology", by=by, guard=_officer(by, "apology.sign", lambda d: d.competent_agency)
    ) as m:
        d = m.d
        if d.apology_issued or ApologySlip.objects.filter(dossier=d).exists():
            raise InvalidTransition(_("Hồ sơ đã có phiếu xin lỗi; chỉ được hẹn lại một lần."))
        cal = _calendar(d.competent_agency)
        problems = []
        if d.due_at is None or cal.working_hours_between(m.now, d.due_at) < 8:
            problems.append(_("Phiếu xin lỗi phải được lập chậm nhất 01 ngày làm việc trước hạn trả kết quả."))
        if d.due_at and new_due_at <= d.due_at:
            problems.append(_("Ngày hẹn mới phải sau ngày hẹn cũ."))
        if not cal.is_working_time(new_due_at) and new_due_at != cal.next_working_moment(new_due_at):
            problems.append(_("Ngày hẹn mới phải rơi vào giờ làm việc."))
        if problems:
            raise ValidationProblems(_("Không lập được phiếu xin lỗi."), problems=problems)
        original_due = d.due_at
        m.set(apology_issued=True, was_late=True)
        m.log(
            note=reason.strip(),
            due_before=original_due,
            data={"new_due_at": new_due_at.isoformat(), "legal_basis": legal_basis},
        )
        dossier_clock.extend(
            d, at=m.now, new_due_at=new_due_at, reason=reason.strip(), legal_basis=legal_basis, event=m.event
        )
        m.fields.add("due_at")
        slip = ApologySlip.objects.create(
            dossier=d,
            reason=reason.strip(),
            original_due_at=original_due,
            new_due_at=new_due_at,
            issued_at=m.now,
            signed_by=by,
        )
        m.notify("dossier.apology", slip=slip)
        m.issue(IssuedDocument.Kind.APOLOGY)
    return slip


def stop(dossier: Dossier, *, by: User, reason: str) -> Dossier:
    """Stop processing with a notice (e.g. the supplement never came, or the law requires it)."""
    if not reason.strip():
        raise ValidationProblems(_("Cần nêu lý do dừng giải quyết."), problems=[_("Lý do là bắt buộc.")])
    with _moving(dossier, "stop", by=by, guard=_officer(by, "dossier.approve", lambda d: d.competent_agency)) as m:
        m.set(stopped_at=m.now)
        m.log(note=reason.strip())
        _close_open_handover(m.d, at=m.now)
        m.notify("dossier.stopped", reason=reason.strip())
        m.issue(IssuedDocument.Kind.STOP_NOTICE)
    return m.d


def mark_overdue(dossier: Dossier, *, at: datetime | None = None) -> DossierEvent | None:
    """The dossier is still being handled after its appointment date (quá hạn, Long An 30/2019 art 14.4 d): it
    counts as late from now on, whatever follows (DESIGN §5). Records one "overdue" event per appointment missed
    (a new appointment after an apology slip can be missed again) and tells the applicant.

    Called by the SLA timers (``dossiers.timers``), never by a person; no status changes. Returns the event, or
    None when there is nothing to record (not overdue, no longer being handled, or already recorded), so a second
    or late run is harmless. A held row lock raises ``ConcurrentChange``: the next run tries again.
    """
    from dossiers import deadlines

    with transaction.atomic():
        d = _lock(dossier)
        now = at or clock.now()
        if d.status not in _HANDLING or not deadlines.is_overdue(now=now, due_at=d.due_at):
            return None
        if DossierEvent.objects.filter(dossier=d, action="overdue", due_before=d.due_at).exists():
            return None
        before = snapshot(d)
        d.was_late = True
        event = record_event(
            d,
            action="overdue",
            by=None,
            from_status=d.status,
            to_status=d.status,
            at=now,
            due_before=d.due_at,
            note=_("Đã quá ngày hẹn trả kết quả (%(due)s) mà hồ sơ chưa được giải quyết xong.")
            % {"due": timezone.localtime(d.due_at).strftime("%H:%M %d/%m/%Y")},
            data={"due_at": d.due_at.isoformat()},
            actor_label=_("Hệ thống"),
        )
        _save(d, expected_status=d.status, fields=["was_late"])
        _announce(d, before)
        _notify_applicant(d, event, "dossier.overdue")
    return event


# --------------------------------------------------------------------------------------------- return


def notify_early_return(dossier: Dossier, *, by: User, available_from: datetime, note: str = "") -> DossierEvent:
    """Before returning a result early the desk tells the citizen (ND 61/2018 art 20)."""
    with transaction.atomic():
        d = _lock(dossier)
        _require_officer(by, "desk.receive", d.receiving_agency)
        if d.status not in (S.RESULT_READY, S.REJECTED):
            raise InvalidTransition(_("Hồ sơ chưa có kết quả."))
        event = record_event(
            d, action="notify_early_return", by=by, note=note, data={"available_from": available_from.isoformat()}
        )
        _notify_applicant(d, event, "dossier.early_return", available_from=available_from)
    return event


def return_result(
    dossier: Dossier, *, by: User, channel: str, received_by_name: str = "", tracking_number: str = "", note: str = ""
) -> Dossier:
    """Hand the result back: online download (level 4), at the counter (who received it), or by post."""
    if channel not in ResultChannel.values:
        raise ValueError(channel)
    problems = []
    if channel == ResultChannel.COUNTER and not received_by_name.strip():
        problems.append(_("Ghi họ tên người nhận kết quả."))
    if channel == ResultChannel.POSTAL and not tracking_number.strip():
        problems.append(_("Ghi số hiệu bưu gửi."))
    if problems:
        raise ValidationProblems(_("Thiếu thông tin trả kết quả."), problems=problems)
    with _moving(dossier, "return_result", by=by, guard=_officer(by, "desk.receive", _desk)) as m:
        if channel == ResultChannel.ONLINE and not m.d.documents.filter(kind=IssuedDocument.Kind.RESULT).exists():
            raise InvalidTransition(_("Chưa có kết quả điện tử đã ký số để trả trực tuyến."))
        m.set(returned_at=m.now, result_channel=channel)
        if tracking_number:
            m.set(return_tracking_number=tracking_number.strip())
        m.log(
            note=note,
            data={
                "channel": channel,
                "received_by": received_by_name.strip(),
                "tracking_number": tracking_number.strip(),
            },
        )
        _close_open_handover(m.d, at=m.now)
        m.notify("dossier.returned", channel=channel)
    return m.d
