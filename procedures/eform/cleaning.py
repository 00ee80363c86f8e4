"""The API path: validate JSON answers against a schema with exactly the rules the HTML form applies."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .fields import REFRESH_KEY
from .forms import DEFAULT_MAX_ITEMS, build_form
from .types import FIELD_TYPES, text


def clean_data(
    schema: dict[str, Any], data: Any, *, language: str | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """``(cleaned, errors)``: cleaned answers (JSON-ready) when valid, else ``({}, errors by JSON path)``.

    ``data`` has the shape ``cleaned`` has: scalars by field name, an address as ``{"province", "commune",
    "street"}``, a repeatable group as a list of objects. Unknown names are errors, so nothing is silently dropped.
    """
    if not isinstance(data, dict):
        return {}, {"": [_("Nội dung tờ khai phải là một đối tượng JSON.")]}
    flat = QueryDict(mutable=True)
    errors: dict[str, list[str]] = {}
    known = {spec["name"]: spec for spec in schema.get("fields", [])}
    for name in data:
        if name not in known:
            errors.setdefault(str(name), []).append(_("Trường '%(name)s' không có trong biểu mẫu.") % {"name": name})
    for name, spec in known.items():
        if name not in data:
            continue
        if spec["type"] == "group":
            _flatten_group(flat, spec, data[name], errors)
        else:
            _flatten(flat, name, spec, data[name], errors)
    for spec in known.values():  # a group that was not sent still needs its management form
        if spec["type"] == "group" and f"{spec['name']}-TOTAL_FORMS" not in flat:
            _management(flat, spec["name"], spec, 0)
    flat.pop(REFRESH_KEY, None)
    form = build_form(schema, data=flat, language=language)
    valid = form.is_valid()
    for path, messages in form.errors_by_path().items():
        errors.setdefault(path, []).extend(messages)
    if errors or not valid:
        return {}, errors
    return form.cleaned_json(), {}


def _flatten(
    flat: QueryDict, key: str, spec: dict[str, Any], value: Any, errors: dict[str, list[str]], *, path: str = ""
) -> None:
    kind = spec["type"]
    path = path or key
    if value is None:
        return
    if kind == "address":
        if not isinstance(value, dict):
            errors.setdefault(path, []).append(_('Địa chỉ phải là đối tượng {"province", "commune", "street"}.'))
            return
        for part in ("province", "commune", "street"):
            if value.get(part) is not None:
                flat[f"{key}_{part}"] = str(value[part])
        return
    if kind == "choice" and spec.get("multiple"):
        if not isinstance(value, list):
            errors.setdefault(path, []).append(_("Trường này nhận một danh sách các lựa chọn."))
            return
        flat.setlist(key, [str(v) for v in value])
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            errors.setdefault(path, []).append(_("Trường này nhận true hoặc false."))
        elif value:
            flat[key] = "on"
        return
    if isinstance(value, (dict, list)) or (isinstance(value, bool) and kind != "boolean"):
        errors.setdefault(path, []).append(
            _("Trường này nhận một giá trị kiểu '%(type)s'.") % {"type": FIELD_TYPES[kind].label}
        )
        return
    flat[key] = str(value)


def _management(flat: QueryDict, prefix: str, spec: dict[str, Any], total: int) -> None:
    flat[f"{prefix}-TOTAL_FORMS"] = str(total)
    flat[f"{prefix}-INITIAL_FORMS"] = "0"
    flat[f"{prefix}-MIN_NUM_FORMS"] = str(spec.get("min_items", 0))
    flat[f"{prefix}-MAX_NUM_FORMS"] = str(spec.get("max_items", DEFAULT_MAX_ITEMS))


def _flatten_group(flat: QueryDict, spec: dict[str, Any], rows: Any, errors: dict[str, list[str]]) -> None:
    name = spec["name"]
    if not isinstance(rows, list):
        errors.setdefault(name, []).append(_("“%(label)s” phải là một danh sách.") % {"label": text(spec.get("label"))})
        _management(flat, name, spec, 0)
        return
    limit = spec.get("max_items", DEFAULT_MAX_ITEMS)
    if len(rows) > limit:
        errors.setdefault(name, []).append(
            ngettext("“%(label)s” có nhiều nhất %(n)s dòng.", "“%(label)s” có nhiều nhất %(n)s dòng.", limit)
            % {"label": text(spec.get("label")), "n": limit}
        )
        rows = rows[:limit]
    _management(flat, name, spec, len(rows))
    children = {child["name"]: child for child in spec["fields"]}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.setdefault(f"{name}[{index}]", []).append(_("Mỗi dòng phải là một đối tượng JSON."))
            continue
        for key, value in row.items():
            child = children.get(key)
            if child is None:
                errors.setdefault(f"{name}[{index}].{key}", []).append(
                    _("Trường '%(name)s' không có trong nhóm.") % {"name": key}
                )
                continue
            _flatten(flat, f"{name}-{index}-{key}", child, value, errors, path=f"{name}[{index}].{key}")


def initial_for_user(schema: dict[str, Any], user: Any) -> dict[str, Any]:
    """Initial answers from what the applicant's account already knows (fields with ``prefill``)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    known: dict[str, Any] = {
        "full_name": user.full_name,
        "citizen_id": user.citizen_id or "",
        "tax_code": user.tax_code or "",
        "organisation_name": user.organisation_name,
        "phone": user.phone or "",
        "email": user.email or "",
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else None,
        "address": {"province": user.province_code, "commune": user.commune_code, "street": user.address}
        if (user.province_code or user.address)
        else None,
    }
    initial: dict[str, Any] = {}
    for spec in schema.get("fields", []):
        key = spec.get("prefill")
        if key and known.get(key):
            initial[spec["name"]] = known[key]
    return initial
