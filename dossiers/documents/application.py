"""The application PDF (đơn đề nghị) of a dossier: what a level-4 citizen downloads, signs with their own digital
signature and uploads back (Bình Định 44/2019 art 7; Long An 30/2019 art 8.3).

It prints the procedure, the competent agency, the applicant, every answer of the e-form (labelled from the
procedure version's schema; answers the schema does not know are printed under their own key, so nothing given is
left out) and the files attached per component with their SHA-256 fingerprints — signing the application therefore
also vouches for the files. A4, like any letter to an agency.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from dossiers.models import Attachment, Dossier, IssuedDocument
from portal import clock
from portal.models import User

from . import formatting
from .common import DocumentSpec, applicant, common_context

KIND = IssuedDocument.Kind.APPLICATION
TEMPLATE = "dossiers/documents/application.html"
PAGE_SIZE = "A4"


def _text(label: Any) -> str:
    """A label that may be a plain string or {"vi": …, "en": …}: the Vietnamese one."""
    if isinstance(label, dict):
        return str(label.get("vi") or next(iter(label.values()), ""))
    return str(label or "")


def _choices(field: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for choice in field.get("choices") or field.get("options") or []:
        if isinstance(choice, dict):
            found[str(choice.get("value"))] = _text(choice.get("label", choice.get("value")))
        elif isinstance(choice, (list, tuple)) and len(choice) == 2:
            found[str(choice[0])] = _text(choice[1])
        else:
            found[str(choice)] = str(choice)
    return found


def _fields(schema: Any) -> list[dict[str, Any]]:
    """The top-level fields of a schema, whether listed directly or grouped into sections."""
    if not isinstance(schema, dict):
        return []
    fields: list[dict[str, Any]] = []
    for field in schema.get("fields") or []:
        if isinstance(field, dict):
            fields.append(field)
    for section in schema.get("sections") or []:
        fields.extend(_fields(section))
    return fields


def _name(field: dict[str, Any]) -> str:
    return str(field.get("name") or field.get("key") or field.get("id") or "")


def _scalar(value: Any, field: dict[str, Any]) -> str:
    choices = _choices(field)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, (list, tuple)):
        return ", ".join(_scalar(v, field) for v in value)
    if isinstance(value, dict):
        return ", ".join(_scalar(v, {}) for v in value.values() if v not in (None, ""))
    if value is None:
        return ""
    text = str(value)
    if str(value) in choices:
        return choices[text]
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text).strftime("%d/%m/%Y")
        except ValueError:
            return text
    return text


def answers(schema: Any, data: Any) -> list[dict[str, Any]]:
    """Rows {label, value, groups} for the e-form answers, in the schema's order; groups hold repeated items."""
    data = data if isinstance(data, dict) else {}
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for field in _fields(schema):
        name = _name(field)
        if not name:
            continue
        seen.add(name)
        value = data.get(name)
        label = _text(field.get("label")) or name
        if field.get("fields"):  # a group, possibly repeatable: one block per item
            items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
            groups = [answers({"fields": field["fields"]}, item) for item in items]
            rows.append({"label": label, "value": "", "groups": groups})
        else:
            rows.append({"label": label, "value": _scalar(value, field), "groups": []})
    for name, value in data.items():
        if name not in seen and not str(name).startswith("_"):
            rows.append({"label": str(name), "value": _scalar(value, {}), "groups": []})
    return rows


def attachments(dossier: Dossier) -> list[dict[str, Any]]:
    """Per component of the procedure version, the current files (name, size, SHA-256)."""
    files = Attachment.objects.filter(dossier=dossier, removed_at__isnull=True).order_by("version", "pk")
    by_component: dict[Any, list[Attachment]] = {}
    for item in files:
        by_component.setdefault(item.component_id, []).append(item)
    rows = []
    for component in dossier.procedure_version.components.order_by("sort_order", "pk"):
        rows.append(
            {
                "name": component.name,
                "required": component.required,
                "files": [_file(f) for f in by_component.pop(component.pk, [])],
            }
        )
    for extra_files in by_component.values():
        rows.append({"name": _("Tài liệu khác"), "required": False, "files": [_file(f) for f in extra_files]})
    return rows


def _file(item: Attachment) -> dict[str, Any]:
    return {
        "name": item.original_name,
        "size_kb": max(1, round(item.size / 1024)),
        "sha256": item.sha256,
        "version": item.version,
    }


def build(dossier: Dossier, *, by: User | None = None, **extra: Any) -> DocumentSpec:
    version = dossier.procedure_version
    context = {
        **common_context(dossier),
        "addressee": dossier.competent_agency.name,
        "procedure_version": version.number,
        "sector": dossier.sector.name,
        "person": applicant(dossier),
        "answers": answers(version.eform_schema, dossier.form_data),
        "components": attachments(dossier),
        "result_channel": dossier.get_result_channel_display(),
        "place_date": formatting.place_and_date(clock.today()),
    }
    return DocumentSpec(kind=KIND, template=TEMPLATE, page_size=PAGE_SIZE, context=context)
