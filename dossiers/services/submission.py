"""The citizen's side of an online dossier (levels 3 and 4): start a draft, keep the e-form answers, choose how to
receive the result, submit, answer a supplement request, withdraw. Status changes are ``dossiers.workflow``'s; this
module prepares what they need and says what happened in a citizen's words.

Long An 30/2019 art 8–9: the citizen fills the e-forms and attaches the component files; a dossier submitted after
17:00 (or outside working time) is received the next working morning. Bình Định 27/2020: the portal checks the
dossier automatically and acknowledges at once, telling when it will officially be received; amendments keep their
history.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from dossiers import workflow
from dossiers.models import Dossier, Status
from dossiers.models.core import ResultChannel
from dossiers.services.attachments import SUPPLEMENT_STATES
from portal import clock
from portal.exceptions import ConcurrentChange, InvalidTransition, NotAllowed, ValidationProblems
from portal.models import Agency, User
from portal.selectors import calendar_for
from procedures.eform import build_form, clean_data, initial_for_user
from procedures.eform.forms import EForm, to_json
from procedures.models import Procedure, ProcedureVersion

DRAFT_SAVE_ATTEMPTS = 3

# --------------------------------------------------------------------------------------------- starting


def online_version(procedure: Procedure) -> ProcedureVersion:
    """The version in force of a procedure that takes dossiers online, or a clear refusal."""
    version = procedure.current_version
    if version is None or version.status != ProcedureVersion.Status.PUBLISHED:
        raise InvalidTransition(_("Thủ tục này chưa được công bố nên chưa nhận hồ sơ."))
    if not version.accepts_online:
        raise InvalidTransition(
            _("Thủ tục này ở mức độ %(level)s: chưa nhận hồ sơ trực tuyến. Vui lòng nộp trực tiếp hoặc qua bưu chính.")
            % {"level": version.service_level}
        )
    return version


def receiving_choices(version: ProcedureVersion) -> list[Agency]:
    """Where a dossier of this version may be submitted (its receiving agencies, else the competent agency)."""
    agencies = list(version.receiving_agencies.filter(is_active=True).order_by("code"))
    return agencies or [version.competent_agency]


def dossier_start(*, procedure: Procedure, applicant: User, receiving_agency: Agency | None = None) -> Dossier:
    """A new draft for ``procedure``, its e-form pre-filled with what the account knows."""
    if applicant is None or not applicant.is_authenticated:
        raise NotAllowed(_("Cần đăng nhập để nộp hồ sơ trực tuyến."))
    version = online_version(procedure)
    choices = receiving_choices(version)
    if receiving_agency is None:
        if len(choices) > 1:
            raise ValidationProblems(
                _("Hãy chọn nơi tiếp nhận hồ sơ."), problems=[_("Thủ tục này có nhiều nơi tiếp nhận: hãy chọn một.")]
            )
        receiving_agency = choices[0]
    elif receiving_agency.pk not in {a.pk for a in choices}:
        raise ValidationProblems(
            _("Nơi tiếp nhận đã chọn không tiếp nhận thủ tục này."),
            problems=[_("Nơi tiếp nhận đã chọn không tiếp nhận thủ tục này.")],
        )
    form_data = initial_for_user(version.eform_schema or {}, applicant)
    return workflow.create_draft(
        procedure_version=version,
        applicant=applicant,
        receiving_agency=receiving_agency,
        form_data=form_data,
        by=applicant,
    )


# --------------------------------------------------------------------------------------------- answers


def eform_for(dossier: Dossier, *, data: Any = None, language: str | None = None) -> EForm:
    """The dossier's e-form: bound to ``data`` when given, otherwise showing the stored answers."""
    schema = dossier.procedure_version.eform_schema or {"fields": []}
    if data is not None:
        return build_form(schema, data=data, prefix="eform", language=language)
    return build_form(schema, initial=dossier.form_data or {}, prefix="eform", language=language)


def _raw(form: Any, spec: dict[str, Any]) -> Any:
    """One field's answer as typed: the cleaned JSON value when it is valid, else what the citizen typed."""
    name = spec["name"]
    cleaned = getattr(form, "cleaned_data", {}) or {}
    if name in cleaned and name not in (form.errors or {}):
        return to_json(spec, cleaned[name])
    value = form[name].value()
    if spec["type"] == "address":
        parts = list(value) if isinstance(value, list | tuple) else ["", "", ""]
        parts += [""] * (3 - len(parts))
        return {"province": parts[0] or "", "commune": parts[1] or "", "street": parts[2] or ""}
    if spec["type"] == "boolean":
        return bool(value)
    if spec["type"] == "choice" and spec.get("multiple"):
        return [str(v) for v in (value or [])]
    return "" if value is None else str(value)


def draft_answers(form: EForm) -> dict[str, Any]:
    """What the citizen entered in a bound e-form, valid or not, in the JSON shape of ``Dossier.form_data``.

    Nothing the citizen typed is lost: a field with an error keeps its raw text (the technical check at submission
    reports it), a valid one is stored cleaned. Rows of a repeatable group marked for removal, and blank new rows,
    are dropped.
    """
    if form.is_valid():
        return form.cleaned_json()
    out: dict[str, Any] = {}
    for spec in form.schema.get("fields", []):
        if spec["type"] == "group":
            formset = form.groups[spec["name"]]
            rows = []
            for index, row in enumerate(formset.forms):
                if formset.can_delete and row.is_bound and _marked_for_removal(row):
                    continue
                if index >= formset.initial_form_count() and not row.has_changed():
                    continue
                rows.append({child["name"]: _raw(row, child) for child in spec["fields"]})
            out[spec["name"]] = rows
        else:
            out[spec["name"]] = _raw(form, spec)
    return out


def _marked_for_removal(row: Any) -> bool:
    field = row.fields.get("DELETE")
    if field is None:
        return False
    return bool(field.widget.value_from_datadict(row.data, row.files, row.add_prefix("DELETE")))


def _lock(dossier: Dossier) -> Dossier:
    try:
        return Dossier.objects.select_for_update(nowait=True, of=("self",)).get(pk=dossier.pk)
    except DatabaseError:
        raise ConcurrentChange(_("Hồ sơ đang được cập nhật ở nơi khác. Vui lòng tải lại trang và thử lại.")) from None


def dossier_save_answers(*, dossier: Dossier, by: User, form_data: dict[str, Any]) -> Dossier:
    """Keep the e-form answers: on a draft (explicit save or autosave), or while preparing a supplement — then the
    change is recorded with what changed, so the history of amendments stays (Bình Định 27/2020)."""
    if dossier.status == Status.DRAFT:
        if dossier.form_data == form_data:
            return dossier
        # An autosave of the same draft may hold the row for a few milliseconds: wait for it rather than fail.
        for attempt in range(DRAFT_SAVE_ATTEMPTS):
            try:
                return workflow.save_draft(dossier, by=by, form_data=form_data)
            except ConcurrentChange:
                if attempt == DRAFT_SAVE_ATTEMPTS - 1:
                    raise
                time.sleep(0.1 * (attempt + 1))
    with transaction.atomic():
        locked = _lock(dossier)
        if locked.applicant_id != getattr(by, "pk", None):
            raise NotAllowed(_("Bạn chỉ có thể thao tác trên hồ sơ của chính mình."))
        if locked.status not in SUPPLEMENT_STATES:
            raise InvalidTransition(
                _("Hồ sơ đang ở trạng thái “%(status)s”: không thể sửa tờ khai.")
                % {"status": Status(locked.status).label}
            )
        before = locked.form_data or {}
        if before == form_data:
            return locked
        changed = [name for name in {**before, **form_data} if before.get(name) != form_data.get(name)]
        labels = _labels(locked.procedure_version.eform_schema or {})
        updated = Dossier.objects.filter(pk=locked.pk, status=locked.status).update(
            form_data=form_data, updated_at=clock.now()
        )
        if updated != 1:
            raise ConcurrentChange(_("Hồ sơ vừa thay đổi trạng thái. Vui lòng tải lại trang."))
        locked.form_data = form_data
        workflow.record_event(
            locked,
            action="amend_form",
            by=by,
            note=", ".join(labels.get(name, name) for name in changed),
            data={
                "fields": changed,
                "before": {name: before.get(name) for name in changed},
                "after": {name: form_data.get(name) for name in changed},
            },
        )
    return locked


def _labels(schema: dict[str, Any]) -> dict[str, str]:
    from procedures.eform.types import text

    return {spec["name"]: text(spec.get("label")) for spec in schema.get("fields", [])}


def result_channel_choices(dossier: Dossier) -> list[tuple[str, str]]:
    """How the result may be received (Long An 30/2019 art 10.2): at the desk or by post always; online (a signed
    electronic result) for level 4."""
    choices = [(ResultChannel.COUNTER, ResultChannel.COUNTER.label), (ResultChannel.POSTAL, ResultChannel.POSTAL.label)]
    if dossier.procedure_version.service_level >= 4:
        choices.insert(0, (ResultChannel.ONLINE, ResultChannel.ONLINE.label))
    return choices


def dossier_set_result_channel(*, dossier: Dossier, by: User, channel: str) -> Dossier:
    if channel not in {value for value, _label in result_channel_choices(dossier)}:
        raise ValidationProblems(
            _("Hình thức nhận kết quả không hợp lệ."), problems=[_("Hãy chọn một hình thức nhận kết quả.")]
        )
    if dossier.applicant_id != getattr(by, "pk", None):
        raise NotAllowed(_("Bạn chỉ có thể thao tác trên hồ sơ của chính mình."))
    if dossier.result_channel == channel:
        return dossier
    updated = Dossier.objects.filter(pk=dossier.pk, status=Status.DRAFT, applicant=by).update(
        result_channel=channel, updated_at=clock.now()
    )
    if updated != 1:
        raise InvalidTransition(_("Hồ sơ đã nộp: không đổi được hình thức nhận kết quả."))
    dossier.result_channel = channel
    return dossier


# --------------------------------------------------------------------------------------------- submission


@dataclass(frozen=True)
class SubmissionReceipt:
    """What the citizen is told at once after a successful submission (Bình Định 27/2020)."""

    submitted_at: datetime
    receipt_moment: datetime  # when it officially counts as received (Long An 30/2019 art 9)
    desk_due_at: datetime | None  # by when the desk must accept or ask for a supplement

    @property
    def deferred(self) -> bool:
        """Submitted after the cut-off or outside working time: counted from a later working moment."""
        return self.receipt_moment > self.submitted_at


def receipt_of(dossier: Dossier) -> SubmissionReceipt | None:
    """The submission acknowledgement of the latest (re)submission, while it means something."""
    if dossier.submitted_at is None:
        return None
    event = (
        dossier.events.filter(action__in=("submit", "answer_supplement"), at__gte=dossier.submitted_at)
        .order_by("-at", "-pk")
        .first()
    )
    moment = None
    if event is not None and (event.data or {}).get("receipt_moment"):
        moment = datetime.fromisoformat(event.data["receipt_moment"])
    if moment is None:
        moment = calendar_for(dossier.receiving_agency).receipt_moment(dossier.submitted_at)
    return SubmissionReceipt(submitted_at=dossier.submitted_at, receipt_moment=moment, desk_due_at=dossier.desk_due_at)


def dossier_submit(*, dossier: Dossier, by: User) -> SubmissionReceipt:
    """Run the technical check and submit; every problem is reported at once and nothing changes on failure."""
    if dossier.status == Status.DRAFT and dossier.applicant_id == getattr(by, "pk", None):
        # Keep the answers in their cleaned form (a draft may hold a field as typed, e.g. "+84 912 345 678").
        cleaned, errors = clean_data(dossier.procedure_version.eform_schema or {"fields": []}, dossier.form_data or {})
        if not errors and cleaned != dossier.form_data:
            dossier = workflow.save_draft(dossier, by=by, form_data=cleaned)
    submitted = workflow.submit(dossier, by=by)
    submitted.refresh_from_db()
    receipt = receipt_of(submitted)
    assert receipt is not None
    return receipt


def dossier_answer_supplement(*, dossier: Dossier, by: User, note: str = "") -> Dossier:
    """Send back what the supplement request asked for (the files of this round, the amended answers, a note)."""
    return workflow.answer_supplement(dossier, by=by, note=(note or "").strip())


def dossier_withdraw(*, dossier: Dossier, by: User, reason: str) -> Dossier:
    """Withdraw before the result, with a reason."""
    return workflow.withdraw(dossier, by=by, reason=reason or "")
