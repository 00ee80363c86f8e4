"""The one-stop desk's writes (bộ phận một cửa): check online dossiers, take dossiers in at the counter or from the
post, hand results back, keep the tracking book (ND 61/2018 art 15–20; Long An 30/2019 arts 9, 14, 19–20).

Status changes are ``dossiers.workflow``'s; these functions put the desk's steps around them (the applicant's
account, the e-form answers, the scanned files) in one transaction, so that a refusal at any point leaves nothing
behind, and add an entry to the security audit log for every officer action (the DossierEvent is the workflow's).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from dossiers import deadlines, documents, uploads, workflow
from dossiers.models import Attachment, Dossier, IssuedDocument, Status
from dossiers.models.core import Channel, ResultChannel
from portal import audit, clock
from portal.accounts.services.contacts import address_taken
from portal.accounts.services.identity import find_accounts
from portal.accounts.validators import citizen_id_problems, normalize_phone, tax_code_is_valid
from portal.exceptions import NotAllowed, ValidationProblems
from portal.models import Agency, AuditEntry, User
from portal.notifications import notify
from portal.permissions import may
from procedures.models import Component, ProcedureVersion

log = logging.getLogger("motcua.desk")

INITIAL_PASSWORD_LENGTH = 12


def record_officer_action(by: User, action: str, dossier: Dossier | None = None, **data: Any) -> None:
    """One line in the security audit log for an officer's action (who, from where: the request is bound by the
    middleware), beside the dossier's own event log."""
    details = {"action": action, **{k: v for k, v in data.items() if v not in (None, "")}}
    if dossier is not None:
        details["dossier"] = dossier.code or f"#{dossier.pk}"
    audit.record(
        AuditEntry.Action.OFFICER_ACTION, actor=by, target=None, target_label=details.get("dossier", ""), data=details
    )


# --------------------------------------------------------------------------------------------- online dossiers


def accept(*, dossier: Dossier, by: User) -> Dossier:
    """Accept an online dossier: code, receipt moment, the clock starts, Mẫu 01 is issued (ND 61 art 17.2–17.3)."""
    with transaction.atomic():
        dossier = workflow.accept(dossier, by=by)
        record_officer_action(by, "accept", dossier)
    return dossier


def request_supplement(*, dossier: Dossier, by: User, items: Iterable[Mapping[str, str]], note: str = "") -> Dossier:
    """Ask for everything missing at once, each item with its reason (Mẫu 02, "một lần đầy đủ", ND 61 art 15.3):
    at the desk before receipt, or by the department during appraisal (within 3 working days, art 19.4)."""
    with transaction.atomic():
        stage = "intake" if dossier.status == Status.SUBMITTED else "appraisal"
        dossier = workflow.request_supplement(dossier, by=by, items=[dict(i) for i in items], note=note)
        record_officer_action(by, "request_supplement", dossier, stage=stage)
    return dossier


def refuse(*, dossier: Dossier, by: User, reasons: str) -> Dossier:
    """Refuse to receive, with specific reasons (Mẫu 03, ND 61 art 17.1–17.2)."""
    with transaction.atomic():
        dossier = workflow.refuse(dossier, by=by, reasons=reasons)
        record_officer_action(by, "refuse", dossier)
    return dossier


# --------------------------------------------------------------------------------------------- the applicant


def find_applicants(*, query: str) -> list[User]:
    """Accounts matching a CCCD, tax code, phone number or e-mail exactly (the person standing at the counter)."""
    return list(find_accounts(query=query))


@dataclass(frozen=True)
class ApplicantData:
    """What the officer types from the applicant's ID card and contacts to open an account for them."""

    full_name: str
    citizen_id: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    kind: str = User.Kind.CITIZEN
    organisation_name: str = ""
    tax_code: str = ""


def applicant_problems(data: ApplicantData) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(str(message))

    if not data.full_name.strip():
        add("full_name", _("Nhập họ và tên người nộp hồ sơ."))
    email = data.email.strip().lower()
    phone = ""
    if not email and not data.phone.strip():
        add("phone", _("Cần số điện thoại hoặc thư điện tử để gửi thông tin tài khoản cho người nộp."))
    if data.phone.strip():
        try:
            phone = normalize_phone(data.phone)
        except ValueError:
            add("phone", _("Số điện thoại di động không hợp lệ (10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09)."))
    if email and "@" not in email:
        add("email", _("Địa chỉ thư điện tử không hợp lệ."))
    if email and address_taken("email", email):
        add("email", _("Thư điện tử này đã thuộc một tài khoản: hãy tìm tài khoản đó."))
    if phone and address_taken("sms", phone):
        add("phone", _("Số điện thoại này đã thuộc một tài khoản: hãy tìm tài khoản đó."))
    if data.kind == User.Kind.BUSINESS:
        if not data.organisation_name.strip():
            add("organisation_name", _("Nhập tên tổ chức, doanh nghiệp."))
        if not tax_code_is_valid(data.tax_code):
            add("tax_code", _("Mã số thuế không hợp lệ."))
        elif User.objects.filter(tax_code=data.tax_code.strip()).exists():
            add("tax_code", _("Mã số thuế này đã có tài khoản: hãy tìm tài khoản đó."))
    else:
        for problem in citizen_id_problems(data.citizen_id):
            add("citizen_id", problem)
        if data.citizen_id.strip() and User.objects.filter(citizen_id=data.citizen_id.strip()).exists():
            add("citizen_id", _("Số định danh này đã có tài khoản: hãy tìm tài khoản đó."))
    return problems


def _initial_password() -> str:
    """A password the person changes after the first login: letters and digits, no look-alikes (0/O, 1/l)."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(INITIAL_PASSWORD_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def create_applicant(*, data: ApplicantData, by: User, agency: Agency) -> User:
    """Open an account for a walk-in applicant (assurance level 1) and send their initial access by e-mail or SMS
    through the notification kernel (Bắc Ninh 13/2018: "được thông báo tài khoản truy nhập ban đầu qua thư điện
    tử hoặc tin nhắn"). The officer never sees the password."""
    if not may(by, "desk.receive", agency):
        raise NotAllowed(_("Bạn không có quyền tiếp nhận hồ sơ tại cơ quan này."))
    problems = applicant_problems(data)
    if problems:
        raise ValidationProblems(
            _("Thông tin người nộp chưa hợp lệ."), problems=[p for messages in problems.values() for p in messages]
        )
    business = data.kind == User.Kind.BUSINESS
    email = data.email.strip().lower() or None
    phone = normalize_phone(data.phone) if data.phone.strip() else None
    password = _initial_password()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                phone=phone,
                password=password,
                kind=User.Kind.BUSINESS if business else User.Kind.CITIZEN,
                full_name=data.full_name.strip(),
                organisation_name=data.organisation_name.strip() if business else "",
                citizen_id=None if business else data.citizen_id.strip(),
                tax_code=data.tax_code.strip() if business else None,
                address=data.address.strip(),
                notify_by_email=bool(email),
                notify_by_sms=not email,
            )
            audit.record(
                AuditEntry.Action.OFFICER_ACTION,
                actor=by,
                target=user,
                data={"action": "create_applicant", "agency": agency.code, "email": bool(email), "phone": bool(phone)},
            )
            address = email or phone
            notify(
                user=user,
                event="accounts.created_at_desk",
                context={"login": address, "password": password, "agency": agency.name},
                channels=["email" if email else "sms"],
                to=address,
                dedupe_key=f"accounts:created_at_desk:{user.pk}",
            )
    except IntegrityError:
        raise ValidationProblems(
            _("Số định danh, điện thoại hoặc thư điện tử vừa được đăng ký cho tài khoản khác.")
        ) from None
    return user


# --------------------------------------------------------------------------------------------- counter intake


def intake_procedures(agency: Agency) -> QuerySet[ProcedureVersion]:
    """Versions in force of the procedures ``agency``'s desk receives (what the counter may take in); a procedure
    that names no receiving desk is received by its competent agency (as ``checks.technical_check`` says)."""
    now = clock.now()
    return (
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED, effective_from__lte=now)
        .filter(procedure__current_version_id=F("pk"))
        .filter(Q(receiving_agencies=agency) | Q(competent_agency=agency, receiving_agencies__isnull=True))
        .select_related("procedure", "sector")
        .distinct()
        .order_by("name")
    )


@dataclass
class CounterIntake:
    """A walk-in or postal dossier as the officer enters it (ND 61 art 16–17.1)."""

    agency: Agency
    procedure_version: ProcedureVersion
    applicant: User
    channel: int
    form_data: dict[str, Any]
    files: Mapping[int, Sequence[Any]]  # component id → uploaded files (the scans)
    postal_tracking_number: str = ""
    result_channel: str = ResultChannel.COUNTER
    sets: int = 1
    note: str = ""


def _store_scans(dossier: Dossier, files: Mapping[int, Sequence[Any]], *, by: User) -> list[Attachment]:
    """The scanned documents, checked by content exactly as a citizen's upload (``dossiers.uploads``); every
    refusal is reported at once. The desk takes paper in, so the counter's scans enter as the first version."""
    components = {c.pk: c for c in dossier.procedure_version.components.all()}
    checked: list[tuple[Component, uploads.CleanFile]] = []
    problems: list[str] = []
    for component_id, items in files.items():
        items = [f for f in items if f]
        if not items:
            continue
        component = components.get(int(component_id))
        if component is None:
            raise NotAllowed(_("Thành phần hồ sơ không thuộc thủ tục này."))
        if len(items) > component.max_files:
            problems.append(_("“%(c)s” nhận tối đa %(n)s tệp.") % {"c": component.name, "n": component.max_files})
            continue
        try:
            cleaned = uploads.inspect_all(
                items, allowed=uploads.allowed_types(component), max_size_mb=component.max_size_mb
            )
        except ValidationProblems as exc:
            problems.extend(f"{component.name}: {p}" for p in (exc.problems or [exc.message]))
            continue
        checked.extend((component, f) for f in cleaned)
    if problems:
        raise ValidationProblems(_("Có tệp scan không hợp lệ; hồ sơ chưa được tiếp nhận."), problems=problems)
    stored = []
    try:
        for component, clean in checked:
            attachment = Attachment(
                dossier=dossier,
                component=component,
                version=1,
                original_name=clean.name,
                content_type=clean.content_type,
                size=clean.size,
                sha256=clean.sha256,
                uploaded_by=by,
            )
            attachment.file.save(clean.name, ContentFile(clean.content), save=False)
            stored.append(attachment)
            attachment.save()
    except BaseException:
        _delete_files(stored)
        raise
    return stored


def _delete_files(attachments: Iterable[Attachment]) -> None:
    for attachment in attachments:
        if attachment.file.name:
            with contextlib.suppress(OSError):  # an orphan file is harmless; its row was rolled back
                attachment.file.storage.delete(attachment.file.name)


def counter_intake(*, intake: CounterIntake, by: User) -> Dossier:
    """Enter a dossier handed in at the counter or received by post and accept it at once: the applicant's
    account, the e-form answers, the scans, the postal tracking number, then ``workflow.intake`` (code, clock,
    Mẫu 01). One transaction: if anything is refused, no draft, file or number is left behind."""
    if intake.channel not in (Channel.IN_PERSON, Channel.POSTAL):
        raise ValidationProblems(_("Chọn kênh nộp: trực tiếp hoặc qua bưu chính."))
    if not may(by, "desk.receive", intake.agency):
        raise NotAllowed(_("Bạn không có quyền tiếp nhận hồ sơ tại cơ quan này."))
    if intake.result_channel not in ResultChannel.values:
        raise ValidationProblems(_("Chọn hình thức nhận kết quả."))
    if intake.result_channel == ResultChannel.ONLINE and intake.procedure_version.service_level < 4:
        raise ValidationProblems(
            _("Thủ tục này không trả kết quả trực tuyến."),
            problems=[_("Chọn nhận kết quả tại bộ phận một cửa hoặc qua bưu chính.")],
        )
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            dossier = _intake(intake, by=by, stored=stored)
    except BaseException:
        _delete_files(stored)  # the rows were rolled back: their bytes go too
        raise
    if intake.sets != 1:
        # Mẫu 01 states how many paper sets were handed in; the slip the workflow queued says one. Issued here, after
        # the commit: a failing PDF cannot undo the intake, and the slip is reissued on the next print.
        try:
            documents.issue(dossier, IssuedDocument.Kind.RECEIPT, by=by, sets=intake.sets)
        except Exception:
            log.warning("receipt of dossier %s not issued at intake; it is issued on first print", dossier.pk)
    return dossier


def _intake(intake: CounterIntake, *, by: User, stored: list[Attachment]) -> Dossier:
    dossier = workflow.create_draft(
        procedure_version=intake.procedure_version,
        applicant=intake.applicant,
        receiving_agency=intake.agency,
        channel=intake.channel,
        form_data=intake.form_data,
        by=by,
    )
    Dossier.objects.filter(pk=dossier.pk).update(result_channel=intake.result_channel)
    dossier.result_channel = intake.result_channel
    stored.extend(_store_scans(dossier, intake.files, by=by))
    dossier = workflow.intake(dossier, by=by, postal_tracking_number=intake.postal_tracking_number)
    record_officer_action(
        by,
        "intake",
        dossier,
        channel=int(intake.channel),
        sets=intake.sets,
        postal_tracking_number=intake.postal_tracking_number.strip(),
    )
    return dossier


# --------------------------------------------------------------------------------------------- returning results


def is_early(dossier: Dossier, *, now: datetime | None = None) -> bool:
    """Returned before the appointment date printed on Mẫu 01 (the date rule of Long An 30/2019 art 14.4)."""
    if dossier.due_at is None:
        return False
    return (
        deadlines.classify_resolved(resolved_at=now or clock.now(), due_at=dossier.due_at) == deadlines.Timeliness.EARLY
    )


def notify_early_return(*, dossier: Dossier, by: User, note: str = "") -> None:
    """Tell the applicant the result can be collected before the appointment (ND 61/2018 art 20)."""
    with transaction.atomic():
        workflow.notify_early_return(dossier, by=by, available_from=clock.now(), note=note)
        record_officer_action(by, "notify_early_return", dossier)


def early_notice_given(dossier: Dossier) -> bool:
    return dossier.events.filter(action="notify_early_return").exists()


def return_result(
    *,
    dossier: Dossier,
    by: User,
    channel: str,
    received_by_name: str = "",
    tracking_number: str = "",
    note: str = "",
) -> Dossier:
    """Hand the result back: online (the signed result is downloadable, level 4), at the counter (who received it
    and when), or by post (tracking number). Returned before the appointment, the applicant is told first, in
    the same transaction (ND 61/2018 art 20)."""
    with transaction.atomic():
        if is_early(dossier) and not early_notice_given(dossier):
            workflow.notify_early_return(
                dossier, by=by, available_from=clock.now(), note=_("Kết quả được trả trước ngày hẹn.")
            )
        dossier = workflow.return_result(
            dossier,
            by=by,
            channel=channel,
            received_by_name=received_by_name,
            tracking_number=tracking_number,
            note=note,
        )
        record_officer_action(by, "return_result", dossier, channel=channel, tracking_number=tracking_number.strip())
    return dossier


# --------------------------------------------------------------------------------------------- documents


DESK_DOCUMENTS = (
    IssuedDocument.Kind.RECEIPT,
    IssuedDocument.Kind.SUPPLEMENT_REQUEST,
    IssuedDocument.Kind.REFUSAL,
    IssuedDocument.Kind.APOLOGY,
    IssuedDocument.Kind.CONTROL_SHEET,
    IssuedDocument.Kind.STOP_NOTICE,
)
# Papers whose content follows the dossier as it moves: reprinted from the current data (a new version is stored
# beside the old when something changed). The others are issued once and reprinted as they were.
LIVE_DOCUMENTS = (IssuedDocument.Kind.CONTROL_SHEET,)


def desk_document(*, dossier: Dossier, kind: str, by: User) -> IssuedDocument:
    """The stored paper ``kind`` of ``dossier`` for printing or download, issued now if it was not yet."""
    if kind not in DESK_DOCUMENTS:
        raise NotAllowed(_("Không có văn bản này."))
    if kind in LIVE_DOCUMENTS:
        return documents.issue(dossier, kind, by=by)
    return documents.ensure(dossier, kind, by=by)


def tracking_book(*, agency: Agency, start: date, end: date, by: User) -> IssuedDocument:
    """Mẫu 06 of ``agency`` for the dossiers it received in [start, end] (TT 01/2018 art 9–10)."""
    if not (may(by, "desk.receive", agency) or may(by, "reports.view", agency)):
        raise NotAllowed(_("Bạn không có quyền xem sổ theo dõi hồ sơ của cơ quan này."))
    if end < start:
        raise ValidationProblems(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if (end - start).days > 366:
        raise ValidationProblems(_("Mỗi lần in sổ tối đa một năm."))
    document = documents.issue_tracking_book(agency=agency, start=start, end=end, by=by)
    record_officer_action(by, "tracking_book", None, agency=agency.code, start=start.isoformat(), end=end.isoformat())
    return document
