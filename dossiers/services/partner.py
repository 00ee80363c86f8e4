"""Dossiers pushed by partner systems (the national public service portal, the postal service): the same checks as
a citizen's browser, through the same services and workflow, and idempotent by the partner's own reference.

A push is all or nothing: the files are checked by content, the answers by the e-form rules, the dossier by the
technical check; when anything fails, the partner gets every problem at once and nothing is kept (no dossier, no
file, no account). Pushing the same ``partner_reference`` again returns the dossier already received.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dossiers import checks, uploads, workflow
from dossiers.models import Dossier
from dossiers.models.core import ResultChannel
from dossiers.services import attachments as attachment_service
from dossiers.services import submission
from portal.accounts.validators import citizen_id_problems, normalize_phone, tax_code_is_valid
from portal.exceptions import NotAllowed, ValidationProblems
from portal.models import Agency, PartnerSystem, User
from procedures.eform import clean_data
from procedures.models import Procedure

Scope = PartnerSystem.Scope


@dataclass(frozen=True)
class PushedApplicant:
    full_name: str
    citizen_id: str = ""
    tax_code: str = ""
    organisation_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class PushedFile:
    component_id: int
    name: str
    content_base64: str


@dataclass(frozen=True)
class Push:
    partner_reference: str
    procedure_code: str
    applicant: PushedApplicant
    form_data: dict[str, Any] = field(default_factory=dict)
    files: tuple[PushedFile, ...] = ()
    receiving_agency_code: str = ""
    result_channel: str = ResultChannel.COUNTER


@dataclass(frozen=True)
class PushResult:
    dossier: Dossier
    created: bool


def require_scope(partner: PartnerSystem, scope: str) -> None:
    if partner is None or not partner.has_scope(scope):
        raise NotAllowed(_("Hệ thống đối tác không có quyền thực hiện thao tác này."))


def in_partner_scope(partner: PartnerSystem, agency: Agency) -> bool:
    """A partner limited to an agency sees only that agency's sub-tree."""
    if partner.agency_id is None:
        return True
    return agency.path.startswith(partner.agency.path)


# --------------------------------------------------------------------------------------------- the applicant


def _applicant_problems(data: PushedApplicant) -> list[str]:
    problems = []
    if not data.full_name.strip():
        problems.append(_("Người nộp: thiếu họ tên."))
    if data.tax_code.strip():
        if not tax_code_is_valid(data.tax_code.strip()):
            problems.append(_("Người nộp: mã số thuế không hợp lệ."))
        if not data.organisation_name.strip():
            problems.append(_("Người nộp: thiếu tên tổ chức."))
    elif data.citizen_id.strip():
        problems += [_("Người nộp: %(p)s") % {"p": p} for p in citizen_id_problems(data.citizen_id.strip())]
    else:
        problems.append(_("Người nộp: cần số định danh cá nhân (CCCD) hoặc mã số thuế."))
    if data.phone.strip():
        try:
            normalize_phone(data.phone)
        except ValueError:
            problems.append(_("Người nộp: số điện thoại di động không hợp lệ."))
    if not data.phone.strip() and not data.email.strip():
        problems.append(_("Người nộp: cần số điện thoại hoặc thư điện tử để nhận thông báo."))
    return problems


def _applicant(data: PushedApplicant) -> User:
    """The account of the person or business the dossier is for, found by CCCD or tax code, else created without a
    password (the person can set one with "Quên mật khẩu" from the contact given)."""
    business = bool(data.tax_code.strip())
    found = (
        User.objects.filter(tax_code=data.tax_code.strip()).first()
        if business
        else User.objects.filter(citizen_id=data.citizen_id.strip()).first()
    )
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=data.email.strip().lower() or None,
                phone=normalize_phone(data.phone) if data.phone.strip() else None,
                password=None,
                kind=User.Kind.BUSINESS if business else User.Kind.CITIZEN,
                full_name=data.full_name.strip(),
                organisation_name=data.organisation_name.strip() if business else "",
                citizen_id=None if business else data.citizen_id.strip(),
                tax_code=data.tax_code.strip() if business else None,
                address=data.address.strip()[:255],
                notify_by_email=bool(data.email.strip()),
                notify_by_sms=not data.email.strip(),
            )
    except IntegrityError:
        raise ValidationProblems(
            _("Không tạo được tài khoản cho người nộp."),
            problems=[_("Người nộp: số điện thoại hoặc thư điện tử đã thuộc một tài khoản khác.")],
        ) from None


# --------------------------------------------------------------------------------------------- the push


def _existing(partner: PartnerSystem, reference: str) -> Dossier | None:
    return Dossier.objects.filter(partner=partner, partner_reference=reference).first()


def _decode(file: PushedFile) -> bytes | None:
    try:
        return base64.b64decode(file.content_base64, validate=True)
    except (binascii.Error, ValueError):
        return None


def dossier_push(*, partner: PartnerSystem, push: Push) -> PushResult:
    """Create, fill and submit a dossier for a partner system, or return the one it already pushed."""
    require_scope(partner, Scope.PUSH_DOSSIERS)
    reference = push.partner_reference.strip()
    if not reference:
        raise ValidationProblems(_("Thiếu mã hồ sơ bên gửi."), problems=[_("partner_reference là bắt buộc.")])
    existing = _existing(partner, reference)
    if existing is not None:
        return PushResult(dossier=existing, created=False)

    procedure = Procedure.objects.filter(code=push.procedure_code.strip()).select_related("current_version").first()
    if procedure is None:
        raise ValidationProblems(
            _("Không có thủ tục này."), problems=[_("Không có thủ tục mã %(code)s.") % {"code": push.procedure_code}]
        )
    version = submission.online_version(procedure)
    choices = submission.receiving_choices(version)
    if push.receiving_agency_code:
        receiving = next((a for a in choices if a.code == push.receiving_agency_code), None)
        if receiving is None:
            raise ValidationProblems(
                _("Nơi tiếp nhận không tiếp nhận thủ tục này."),
                problems=[
                    _("Nơi tiếp nhận %(code)s không tiếp nhận thủ tục này.") % {"code": push.receiving_agency_code}
                ],
            )
    elif len(choices) == 1:
        receiving = choices[0]
    else:
        raise ValidationProblems(
            _("Cần chọn nơi tiếp nhận."),
            problems=[
                _("Thủ tục có nhiều nơi tiếp nhận; gửi receiving_agency_code: %(codes)s.")
                % {"codes": ", ".join(a.code for a in choices)}
            ],
        )
    if not in_partner_scope(partner, receiving):
        raise NotAllowed(_("Hệ thống đối tác không được gửi hồ sơ đến nơi tiếp nhận này."))

    problems = _applicant_problems(push.applicant)
    if push.result_channel not in ResultChannel.values:
        problems.append(_("Hình thức nhận kết quả không hợp lệ (online, counter, postal)."))
    schema = version.eform_schema or {"fields": []}
    cleaned_form, errors = clean_data(schema, push.form_data or {})
    for path, messages in errors.items():
        label = checks.field_label(schema, path) if path else _("Tờ khai")
        problems += [_("Tờ khai — %(field)s: %(message)s") % {"field": label, "message": m} for m in messages]

    components = {c.pk: c for c in version.components.all()}
    checked: dict[int, list[uploads.CleanFile]] = {}
    for file in push.files:
        component = components.get(file.component_id)
        if component is None:
            problems.append(
                _("Tệp “%(name)s”: thành phần hồ sơ %(id)s không thuộc thủ tục này.")
                % {"name": file.name, "id": file.component_id}
            )
            continue
        content = _decode(file)
        if content is None:
            problems.append(_("Tệp “%(name)s”: nội dung base64 không hợp lệ.") % {"name": file.name})
            continue
        try:
            cleaned = uploads.inspect(
                content,
                name=file.name,
                allowed=uploads.allowed_types(component),
                max_size_mb=component.max_size_mb,
            )
        except ValidationProblems as exc:
            problems += exc.problems or [exc.message]
            continue
        checked.setdefault(component.pk, []).append(cleaned)
    if problems:
        raise ValidationProblems(_("Hồ sơ chưa hợp lệ; chưa có gì được lưu."), problems=problems)

    try:
        with attachment_service.discard_files_on_error(), transaction.atomic():
            applicant = _applicant(push.applicant)
            dossier = workflow.create_draft(
                procedure_version=version,
                applicant=applicant,
                receiving_agency=receiving,
                form_data=cleaned_form,
                by=None,
                partner=partner,
                partner_reference=reference,
            )
            dossier.applicant_name = (
                push.applicant.organisation_name.strip() or push.applicant.full_name.strip()
            ) or dossier.applicant_name
            dossier.applicant_phone = push.applicant.phone.strip() or dossier.applicant_phone
            dossier.applicant_email = push.applicant.email.strip().lower() or dossier.applicant_email
            dossier.applicant_address = push.applicant.address.strip()[:255] or dossier.applicant_address
            dossier.result_channel = push.result_channel
            Dossier.objects.filter(pk=dossier.pk, status=dossier.status).update(
                applicant_name=dossier.applicant_name,
                applicant_phone=dossier.applicant_phone,
                applicant_email=dossier.applicant_email,
                applicant_address=dossier.applicant_address,
                result_channel=dossier.result_channel,
            )
            for component_id, files in checked.items():
                attachment_service.attachments_store(
                    dossier=dossier, component=components[component_id], files=files, by=None, via=partner
                )
            workflow.submit(dossier, by=None, via=partner)
    except IntegrityError:
        # The same reference pushed twice at once: the other request created it.
        existing = _existing(partner, reference)
        if existing is None:
            raise
        return PushResult(dossier=existing, created=False)
    dossier.refresh_from_db()
    return PushResult(dossier=dossier, created=True)


def partner_dossier(*, partner: PartnerSystem, reference: str) -> Dossier | None:
    """A dossier this partner pushed, by its own reference (another partner's is not found)."""
    if not (partner.has_scope(Scope.PUSH_DOSSIERS) or partner.has_scope(Scope.READ_STATUS)):
        raise NotAllowed(_("Hệ thống đối tác không có quyền đọc trạng thái hồ sơ."))
    return _existing(partner, reference.strip())


def dossier_by_code(*, partner: PartnerSystem, code: str) -> Dossier | None:
    """Status sync by dossier code (scope ``dossiers:status``), within the partner's agency scope."""
    require_scope(partner, Scope.READ_STATUS)
    dossier = Dossier.objects.filter(code=code.strip()).select_related("receiving_agency").first()
    if dossier is None or not in_partner_scope(partner, dossier.receiving_agency):
        return None
    return dossier
