"""Writes to the catalogue: drafts, revisions, publication with an effective date, and the version in force.

A Procedure is a stable code; everything a dossier depends on lives on a ProcedureVersion. A draft is edited
freely; a published version never changes again: editing a published procedure starts a new draft (a revision)
that is published with its own effective date. ``version_in_force(procedure, at)`` is the dossier-facing lookup:
the published version with the latest effective date not after ``at`` (ND 61/2018 art 19: a dossier keeps the
rules in force on the day it was received; regulations.md §0).

``by`` is the officer acting, checked with ``portal.permissions.may(by, "procedure.manage", agency)``; ``None``
means the system itself (management commands, seed_demo), which has no one to check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit, clock
from portal.exceptions import InvalidTransition, NotAllowed, PortalError, ValidationProblems
from portal.models import Agency, AuditEntry, User
from portal.permissions import may
from procedures import search
from procedures.models import Component, DocumentKind, Procedure, ProcedureVersion, RouteStep

Status = ProcedureVersion.Status
IN_FORCE_STATUSES = (Status.PUBLISHED, Status.SUPERSEDED)

# Fields of a version that carry content (copied into a revision, compared on import).
CONTENT_FIELDS = (
    "name",
    "sector",
    "administrative_level",
    "service_level",
    "competent_agency",
    "processing_time_value",
    "processing_time_unit",
    "supplement_policy",
    "fees",
    "fee_rule",
    "fee_exemptions",
    "legal_basis",
    "requirements",
    "procedure_steps",
    "applicant_types",
    "result_type",
    "submission_methods",
    "result_methods",
    "required_assurance_level",
    "requires_signature",
    "requires_payment",
    "eform_schema",
    "keywords",
    "publication_decision",
)
COMPONENT_FIELDS = (
    "name",
    "required",
    "originals",
    "copies",
    "note",
    "template_file",
    "template_label",
    "allowed_types",
    "max_files",
    "max_size_mb",
    "sort_order",
)
ROUTE_STEP_FIELDS = ("order", "name", "role", "department", "share_percent")


class NoVersionInForce(PortalError):
    """No published version of the procedure was in force at the moment asked."""

    http_status = 404
    code = "no_version_in_force"


# --- reading the history ------------------------------------------------------------------------------------


def as_moment(at: date | datetime | None) -> datetime:
    """A date means the start of that day in the portal's time zone; ``None`` means now (portal clock)."""
    if at is None:
        return clock.now()
    if isinstance(at, datetime):
        return at if timezone.is_aware(at) else timezone.make_aware(at)
    return timezone.make_aware(datetime.combine(at, time.min))


def version_in_force(procedure: Procedure, at: date | datetime | None = None) -> ProcedureVersion:
    """The version of ``procedure`` in force at ``at`` (a date means its first moment; default: now).

    Raises :class:`NoVersionInForce` when the procedure had no published version yet at that moment.
    """
    moment = as_moment(at)
    version = (
        ProcedureVersion.objects.filter(procedure=procedure, status__in=IN_FORCE_STATUSES, effective_from__lte=moment)
        .order_by("-effective_from", "-number")
        .first()
    )
    if version is None:
        raise NoVersionInForce(
            _("Thủ tục %(code)s chưa có phiên bản nào có hiệu lực vào %(at)s.")
            % {"code": procedure.code, "at": timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")}
        )
    return version


def latest_published(procedure: Procedure) -> ProcedureVersion | None:
    return (
        ProcedureVersion.objects.filter(procedure=procedure, status__in=IN_FORCE_STATUSES)
        .order_by("-effective_from", "-number")
        .first()
    )


def draft_of(procedure: Procedure) -> ProcedureVersion | None:
    return ProcedureVersion.objects.filter(procedure=procedure, status=Status.DRAFT).first()


# --- permission -----------------------------------------------------------------------------------------------


def check_may_manage(by: User | None, agency: Agency | None) -> None:
    if by is None:
        return
    if not may(by, "procedure.manage", agency):
        raise NotAllowed(_("Bạn không có quyền quản lý thủ tục của cơ quan này."))


# --- drafts --------------------------------------------------------------------------------------------------


def _validated(obj, *, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationProblems(_("Thông tin thủ tục chưa hợp lệ."), problems=_messages(exc)) from exc


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        out = []
        for field, errors in exc.message_dict.items():
            for message in errors:
                out.append(message if field == "__all__" else f"{field}: {message}")
        return out
    return list(exc.messages)


@transaction.atomic
def procedure_create_draft(
    *,
    code: str,
    by: User | None,
    receiving_agencies: Iterable[Agency] = (),
    components: Iterable[dict[str, Any]] = (),
    route_steps: Iterable[dict[str, Any]] = (),
    **fields: Any,
) -> ProcedureVersion:
    """Start a procedure (or a new version of an existing code when none is a draft) as a draft (bản nháp)."""
    code = (code or "").strip()
    if not code:
        raise ValidationProblems(_("Cần nhập mã thủ tục."))
    _check_content_fields(fields)
    check_may_manage(by, fields.get("competent_agency"))
    procedure, _created = Procedure.objects.get_or_create(code=code)
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    if draft_of(procedure) is not None:
        raise InvalidTransition(_("Thủ tục %(code)s đang có một bản nháp; hãy sửa bản nháp đó.") % {"code": code})
    version = ProcedureVersion(
        procedure=procedure, number=next_version_number(procedure), status=Status.DRAFT, **fields
    )
    version.created_by = by
    _validated(version)
    version.save()
    version.receiving_agencies.set(list(receiving_agencies))
    _write_children(version, components=components, route_steps=route_steps)
    return version


@transaction.atomic
def version_update(
    *,
    version: ProcedureVersion,
    by: User | None,
    receiving_agencies: Iterable[Agency] | None = None,
    components: Iterable[dict[str, Any]] | None = None,
    route_steps: Iterable[dict[str, Any]] | None = None,
    **fields: Any,
) -> ProcedureVersion:
    """Edit a draft. A published version never changes: start a revision instead."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != Status.DRAFT:
        raise InvalidTransition(
            _("Phiên bản %(number)s đã công bố nên không sửa được; hãy tạo bản sửa đổi.") % {"number": version.number}
        )
    check_may_manage(by, version.competent_agency)
    _check_content_fields(fields)
    for name, value in fields.items():
        setattr(version, name, value)
    check_may_manage(by, version.competent_agency)  # and for the agency it is moved to
    _validated(version)
    version.save()
    if receiving_agencies is not None:
        version.receiving_agencies.set(list(receiving_agencies))
    if components is not None or route_steps is not None:
        _write_children(version, components=components, route_steps=route_steps, replace=True)
    return version


def _check_content_fields(fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - set(CONTENT_FIELDS))
    if unknown:
        raise ValueError(f"Not content fields of a procedure version: {', '.join(unknown)}")


def next_version_number(procedure: Procedure) -> int:
    last = ProcedureVersion.objects.filter(procedure=procedure).order_by("-number").values_list("number", flat=True)
    return (last.first() or 0) + 1


def _write_children(
    version: ProcedureVersion,
    *,
    components: Iterable[dict[str, Any]] | None,
    route_steps: Iterable[dict[str, Any]] | None,
    replace: bool = False,
) -> None:
    if components is not None:
        if replace:
            version.components.all().delete()
        for index, data in enumerate(components):
            data = dict(data)
            kinds = data.pop("document_kinds", [])
            data.setdefault("sort_order", index)
            component = Component(version=version, **data)
            _validated(component, exclude=["version"])
            component.save()
            component.document_kinds.set(
                [k if isinstance(k, DocumentKind) else DocumentKind.objects.get(code=k) for k in kinds]
            )
    if route_steps is not None:
        if replace:
            version.route_steps.all().delete()
        for index, data in enumerate(route_steps):
            data = dict(data)
            data.setdefault("order", index + 1)
            step = RouteStep(version=version, **data)
            _validated(step, exclude=["version"])
            step.save()


@transaction.atomic
def procedure_start_revision(*, procedure: Procedure, by: User | None) -> ProcedureVersion:
    """A new draft copied from the latest published version (or the existing draft, if there is one)."""
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    existing = draft_of(procedure)
    if existing is not None:
        check_may_manage(by, existing.competent_agency)
        return existing
    source = latest_published(procedure)
    if source is None:
        raise InvalidTransition(_("Thủ tục %(code)s chưa có phiên bản nào để sửa.") % {"code": procedure.code})
    check_may_manage(by, source.competent_agency)
    return copy_version(source, number=next_version_number(procedure), by=by)


def copy_version(source: ProcedureVersion, *, number: int, by: User | None) -> ProcedureVersion:
    draft = ProcedureVersion(
        procedure=source.procedure,
        number=number,
        status=Status.DRAFT,
        created_by=by,
        **{name: getattr(source, name) for name in CONTENT_FIELDS},
    )
    draft.save()
    draft.receiving_agencies.set(source.receiving_agencies.all())
    for component in source.components.all():
        kinds = list(component.document_kinds.all())
        copy = Component(version=draft, **{name: getattr(component, name) for name in COMPONENT_FIELDS})
        copy.save()
        copy.document_kinds.set(kinds)
    for step in source.route_steps.all():
        RouteStep.objects.create(version=draft, **{name: getattr(step, name) for name in ROUTE_STEP_FIELDS})
    return draft


@transaction.atomic
def draft_discard(*, version: ProcedureVersion, by: User | None) -> None:
    """Delete a draft; a procedure that never had a published version goes with it."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != Status.DRAFT:
        raise InvalidTransition(_("Chỉ xoá được bản nháp; phiên bản đã công bố được giữ làm lịch sử."))
    check_may_manage(by, version.competent_agency)
    procedure = version.procedure
    version.delete()
    if not procedure.versions.exists():
        procedure.delete()


# --- publication ---------------------------------------------------------------------------------------------


def version_problems(version: ProcedureVersion) -> list[str]:
    """What stops a draft from being published, in words an administrator can act on (empty: ready)."""
    problems: list[str] = []
    try:
        version.full_clean(exclude=["procedure", "number"])
    except ValidationError as exc:
        problems.extend(_messages(exc))
    problems.extend(
        content_problems(
            version,
            receiving_count=version.receiving_agencies.count(),
            components=list(version.components.all()),
            route_steps=list(version.route_steps.all()),
            schema_checked=True,
        )
    )
    return problems


def content_problems(
    version: ProcedureVersion,
    *,
    receiving_count: int,
    components: Sequence[Component],
    route_steps: Sequence[RouteStep],
    schema_checked: bool = False,
) -> list[str]:
    """Publication rules across a version and its parts (also run by the import on unsaved objects)."""
    from procedures.eform import validate_schema

    problems: list[str] = []
    if version.processing_time_value is not None and version.processing_time_value <= 0:
        problems.append(_("Thời hạn giải quyết phải lớn hơn 0."))
    if not receiving_count:
        problems.append(_("Cần chọn ít nhất một nơi tiếp nhận hồ sơ."))
    level = version.service_level or 0
    if level >= 2 and not components:
        problems.append(_("Thủ tục mức độ 2 trở lên cần có danh sách thành phần hồ sơ."))
    if level >= 3:
        if not version.eform_schema or not version.eform_schema.get("fields"):
            problems.append(_("Thủ tục mức độ 3, 4 (nộp trực tuyến) cần có biểu mẫu điện tử."))
        elif not schema_checked:
            problems.extend(validate_schema(version.eform_schema))
    if level == 4 and any(fee.get("amount") for fee in version.fees or []) and not version.requires_payment:
        problems.append(_("Thủ tục mức độ 4 có thu phí, lệ phí phải cho phép thanh toán trực tuyến."))
    if route_steps:
        total = sum(step.share_percent for step in route_steps)
        if total != 100:
            problems.append(
                _("Tổng tỷ lệ thời gian của các bước xử lý phải bằng 100%% (hiện là %(total)s%%).")
                % {"total": f"{Decimal(total).normalize():f}"}
            )
    return problems


@transaction.atomic
def procedure_publish(
    *,
    version: ProcedureVersion,
    by: User | None,
    effective_from: date | datetime | None = None,
    change_note: str = "",
) -> ProcedureVersion:
    """Publish a draft (công bố), in force from ``effective_from`` (default: now).

    The effective date must come after the effective date of every earlier published version, so that the
    history reads in one direction and ``version_in_force`` has one answer for every moment.
    """
    Procedure.objects.select_for_update().filter(pk=version.procedure_id).first()
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != Status.DRAFT:
        raise InvalidTransition(_("Phiên bản %(number)s đã được công bố.") % {"number": version.number})
    check_may_manage(by, version.competent_agency)
    moment = as_moment(effective_from)
    previous = latest_published(version.procedure)
    if previous is not None and moment <= previous.effective_from:
        raise ValidationProblems(
            _("Ngày hiệu lực phải sau ngày hiệu lực của phiên bản %(number)s (%(date)s).")
            % {
                "number": previous.number,
                "date": timezone.localtime(previous.effective_from).strftime("%d/%m/%Y %H:%M"),
            }
        )
    problems = version_problems(version)
    if problems:
        raise ValidationProblems(_("Chưa công bố được: thủ tục còn thiếu hoặc sai thông tin."), problems=problems)
    now = clock.now()
    version.status = Status.PUBLISHED
    version.effective_from = moment
    version.published_at = now
    version.published_by = by
    version.change_note = change_note or version.change_note
    version.save(update_fields=["status", "effective_from", "published_at", "published_by", "change_note"])
    procedure_refresh(procedure=version.procedure, at=now)
    if by is not None:
        audit.record(
            AuditEntry.Action.OFFICER_ACTION,
            actor=by,
            target_label=f"{version.procedure.code} v{version.number}",
            data={"what": "procedure.publish", "effective_from": moment.isoformat()},
        )
    return version


# --- the catalogue copy ----------------------------------------------------------------------------------------


def apply_current(procedure: Procedure, version: ProcedureVersion | None, *, next_at: datetime | None) -> None:
    """Copy the version in force onto the procedure row that the catalogue lists and searches (no save)."""
    procedure.current_version = version
    procedure.next_version_at = next_at
    if version is None:
        procedure.search_text = search.search_document([procedure.code])
        return
    procedure.name = version.name
    procedure.sector = version.sector
    procedure.administrative_level = version.administrative_level
    procedure.service_level = version.service_level
    procedure.competent_agency = version.competent_agency
    procedure.search_name = search.normalise(version.name)
    procedure.search_text = search.search_document(
        [
            procedure.code,
            version.name,
            version.sector.name if version.sector_id else "",
            version.competent_agency.name if version.competent_agency_id else "",
            version.keywords,
            version.result_type,
            version.applicant_types,
        ]
    )


COPIED_FIELDS = [
    "current_version",
    "next_version_at",
    "name",
    "sector",
    "administrative_level",
    "service_level",
    "competent_agency",
    "search_name",
    "search_text",
]


def procedure_refresh(*, procedure: Procedure, at: datetime | None = None) -> Procedure:
    """Point the procedure at the version in force now, mark older ones superseded, note the next change."""
    refresh_procedures(procedure_ids=[procedure.pk], at=at)
    procedure.refresh_from_db()
    return procedure


def refresh_procedures(*, procedure_ids: Iterable[int], at: datetime | None = None) -> int:
    """The bulk form of :func:`procedure_refresh` (the import touches thousands of procedures at once)."""
    moment = at or clock.now()
    ids = list(procedure_ids)
    if not ids:
        return 0
    versions: dict[int, list[ProcedureVersion]] = {pk: [] for pk in ids}
    for version in (
        ProcedureVersion.objects.filter(procedure_id__in=ids, status__in=IN_FORCE_STATUSES)
        .select_related("sector", "competent_agency")
        .order_by("procedure_id", "-effective_from", "-number")
    ):
        versions[version.procedure_id].append(version)
    procedures = list(Procedure.objects.filter(pk__in=ids))
    superseded: list[int] = []
    changed: list[Procedure] = []
    changed_fields: set[str] = set()
    for procedure in procedures:
        history = versions[procedure.pk]  # newest first
        current = next((v for v in history if v.effective_from <= moment), None)
        upcoming = [v.effective_from for v in history if v.effective_from > moment]
        if current is not None:
            superseded.extend(
                v.pk for v in history if v.status == Status.PUBLISHED and v.effective_from < current.effective_from
            )
        before = _copied_values(procedure)
        apply_current(procedure, current, next_at=min(upcoming) if upcoming else None)
        after = _copied_values(procedure)
        fields = {name for name in COPIED_FIELDS if before[name] != after[name]}
        if fields:
            changed.append(procedure)
            changed_fields |= fields
    for start in range(0, len(superseded), 1000):
        ProcedureVersion.objects.filter(pk__in=superseded[start : start + 1000]).update(status=Status.SUPERSEDED)
    if changed:
        now = clock.now()
        for procedure in changed:
            procedure.updated_at = now
        # Only what changed: bulk_update costs (rows x fields), and the import fills the copy when it creates rows.
        Procedure.objects.bulk_update(changed, [*sorted(changed_fields), "updated_at"], batch_size=1000)
    return len(procedures)


def _copied_values(procedure: Procedure) -> dict[str, Any]:
    return {
        name: getattr(procedure, f"{name}_id" if name in ("current_version", "sector", "competent_agency") else name)
        for name in COPIED_FIELDS
    }


def refresh_due_procedures(*, at: datetime | None = None) -> int:
    """Bring forward every procedure whose scheduled version has come into force. Idempotent; cheap when none."""
    moment = at or clock.now()
    due = list(Procedure.objects.filter(next_version_at__lte=moment).values_list("pk", flat=True))
    if not due:
        return 0
    with transaction.atomic():
        return refresh_procedures(procedure_ids=due, at=moment)
