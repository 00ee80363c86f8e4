"""The automatic technical check of a dossier before it is submitted or taken in (Bình Định 27/2020: the system
checks and acknowledges at once; Long An 30/2019 art 8). Every problem is reported at once, in Vietnamese."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from dossiers.models import Dossier, SupplementRequest
from portal import clock
from procedures.models import ProcedureVersion


def desk_check_hours() -> int:
    """Working hours the desk has to check an online dossier (8 by default; 1 in Bắc Ninh 13/2018)."""
    return int(getattr(settings, "DESK_CHECK_SLA_HOURS", 8))


def supplement_request_limit_days() -> int:
    """Working days after receipt within which appraisal may ask for a supplement (ND 61/2018 art 19.4)."""
    return int(getattr(settings, "SUPPLEMENT_REQUEST_LIMIT_DAYS", 3))


def _version_problems(version: ProcedureVersion, *, online: bool) -> list[str]:
    problems = []
    now = clock.now()
    if version.status != ProcedureVersion.Status.PUBLISHED or (
        version.effective_from is not None and version.effective_from > now
    ):
        problems.append(_("Thủ tục này chưa được công bố hoặc chưa có hiệu lực."))
    if online and version.service_level < 3:
        problems.append(
            _("Thủ tục này không tiếp nhận hồ sơ trực tuyến (mức độ %(level)s).") % {"level": version.service_level}
        )
    return problems


def field_label(schema: dict, path: str) -> str:
    """``ho_ten`` → its label; ``thanh_vien[1].ngay_sinh`` → "Thành viên 2 — Ngày sinh" (what the citizen reads)."""
    from procedures.eform.types import text

    specs = {spec.get("name"): spec for spec in schema.get("fields", [])}
    head, _sep, rest = path.partition("[")
    spec = specs.get(head)
    if spec is None:
        return path
    label = text(spec.get("label")) or head
    if not rest or spec.get("type") != "group":
        return label
    index, _sep, child = rest.partition("].")
    children = {c.get("name"): c for c in spec.get("fields", [])}
    item = text(spec.get("item_label")) or label
    number = int(index) + 1 if index.isdigit() else index
    child_label = text(children[child].get("label")) if child in children else child
    return f"{item} {number} — {child_label}" if child_label else f"{item} {number}"


def _form_problems(dossier: Dossier) -> list[str]:
    from procedures.eform import clean_data

    schema = dossier.procedure_version.eform_schema or {}
    if not schema:
        return []
    _cleaned, errors = clean_data(schema, dossier.form_data or {})
    problems = []
    for field, messages in (errors or {}).items():
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            problems.append(
                _("Tờ khai — %(field)s: %(message)s") % {"field": field_label(schema, field), "message": message}
            )
    return problems


def eform_stands_for(component, version: ProcedureVersion) -> bool:
    """The component is the application form itself (it has a form template to fill in), and the version has an
    e-form: the e-form answers replace the paper form (Long An 30/2019 art 8.1a: "điền đầy đủ thông tin vào các
    biểu mẫu điện tử và đính kèm các tệp tin theo thành phần hồ sơ")."""
    schema = version.eform_schema or {}
    return bool(schema.get("fields")) and bool(component.template_file or component.template_label)


def _component_problems(dossier: Dossier) -> list[str]:
    present = set(
        dossier.attachments.filter(removed_at__isnull=True, component__isnull=False).values_list(
            "component_id", flat=True
        )
    )
    return [
        _("Thiếu thành phần hồ sơ bắt buộc: %(name)s.") % {"name": component.name}
        for component in dossier.procedure_version.components.filter(required=True)
        if component.pk not in present and not eform_stands_for(component, dossier.procedure_version)
    ]


def technical_check(dossier: Dossier, *, at_counter: bool = False) -> list[str]:
    """Every reason the dossier cannot be submitted (online) or taken in (counter/post); empty when it can."""
    version = dossier.procedure_version
    problems = _version_problems(version, online=not at_counter)
    if not at_counter and dossier.applicant.assurance_level < version.required_assurance_level:
        problems.append(
            _("Thủ tục này yêu cầu tài khoản định danh mức %(level)s; hãy đến bộ phận một cửa để xác thực.")
            % {"level": version.required_assurance_level}
        )
    receiving = list(version.receiving_agencies.values_list("pk", flat=True)) or [version.competent_agency_id]
    if dossier.receiving_agency_id not in receiving:
        problems.append(_("Nơi tiếp nhận đã chọn không tiếp nhận thủ tục này."))
    problems += _form_problems(dossier)
    problems += _component_problems(dossier)
    if not at_counter:
        from dossiers.services.signature import signature_problems

        problems += signature_problems(dossier)
    return problems


def supplement_check(dossier: Dossier, request: SupplementRequest | None, *, note: str = "") -> list[str]:
    """The supplement is complete enough to send back: something new since the request, and the dossier
    passes the technical check again."""
    problems = []
    if request is not None:
        added = dossier.attachments.filter(uploaded_at__gte=request.requested_at, removed_at__isnull=True).exists()
        if not added and not note.strip():
            problems.append(_("Chưa có giấy tờ bổ sung: hãy tải lên giấy tờ được yêu cầu hoặc ghi giải trình."))
    problems += _form_problems(dossier) + _component_problems(dossier)
    return problems
