"""Checking an e-form schema before it is saved, with messages an administrator (not a programmer) can act on."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .types import (
    CHOICE_WIDGETS,
    COMMON_KEYS,
    FIELD_TYPES,
    NAME_RE,
    PREFILL_KEYS,
    STREET_MODES,
    resolve_date_bound,
)

TOP_LEVEL_KEYS = frozenset({"title", "description", "fields", "version"})
MAX_FIELDS = 200


def validate_schema(schema: Any) -> list[str]:
    """Every problem of ``schema``, each naming the field and what to change (empty list: the schema is valid)."""
    problems: list[str] = []
    if not isinstance(schema, dict):
        return [_("Biểu mẫu phải là một đối tượng JSON có danh sách 'fields'.")]
    for key in sorted(set(schema) - TOP_LEVEL_KEYS):
        problems.append(
            _("Biểu mẫu có mục '%(key)s' không dùng được; các mục dùng được: title, description, fields.")
            % {"key": key}
        )
    for key in ("title", "description"):
        if key in schema:
            problems.extend(_check_label(schema[key], where=_("Biểu mẫu"), key=key))
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        problems.append(_("Biểu mẫu cần có ít nhất một trường trong danh sách 'fields'."))
        return problems
    if len(fields) > MAX_FIELDS:
        problems.append(_("Biểu mẫu có quá nhiều trường (tối đa %(max)s).") % {"max": MAX_FIELDS})
    problems.extend(_check_fields(fields, parent=""))
    return problems


def _check_fields(fields: list[Any], *, parent: str) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for index, spec in enumerate(fields, start=1):
        if not isinstance(spec, dict):
            problems.append(_("Trường thứ %(n)s phải là một đối tượng JSON.") % {"n": index})
            continue
        name = spec.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            problems.append(
                _(
                    "Trường thứ %(n)s: tên '%(name)s' không hợp lệ; dùng chữ thường không dấu, số và dấu gạch dưới, "
                    "bắt đầu bằng chữ (ví dụ ho_ten)."
                )
                % {"n": index, "name": name if name is not None else ""}
            )
            continue
        path = f"{parent}.{name}" if parent else name
        if name in seen:
            problems.append(_("Trường '%(name)s' bị trùng tên; mỗi trường cần một tên riêng.") % {"name": path})
        seen.add(name)
        problems.extend(_check_field(spec, path=path, nested=bool(parent)))
    return problems


def _check_field(spec: dict[str, Any], *, path: str, nested: bool) -> list[str]:
    where = _("Trường '%(name)s'") % {"name": path}
    type_key = spec.get("type")
    field_type = FIELD_TYPES.get(type_key) if isinstance(type_key, str) else None
    if field_type is None:
        known = ", ".join(f"'{t.key}' ({t.label})" for t in FIELD_TYPES.values())
        return [
            _("%(where)s: kiểu '%(type)s' không có; các kiểu dùng được: %(known)s.")
            % {
                "where": where,
                "type": type_key,
                "known": known,
            }
        ]
    problems: list[str] = []
    for rule in sorted(set(spec) - COMMON_KEYS - field_type.rules):
        problems.append(
            _("%(where)s: kiểu '%(type)s' không có quy tắc '%(rule)s'")
            % {"where": where, "type": field_type.label, "rule": rule}
        )
    if "label" not in spec:
        problems.append(_("%(where)s: cần có nhãn (label) để người dân biết phải điền gì.") % {"where": where})
    else:
        problems.extend(_check_label(spec["label"], where=where, key="label"))
    if "hint" in spec:
        problems.extend(_check_label(spec["hint"], where=where, key="hint"))
    if "required" in spec and not isinstance(spec["required"], bool):
        problems.append(_("%(where)s: 'required' phải là true hoặc false.") % {"where": where})
    if "prefill" in spec and spec["prefill"] not in PREFILL_KEYS:
        problems.append(
            _("%(where)s: 'prefill' phải là một trong: %(keys)s.")
            % {"where": where, "keys": ", ".join(sorted(PREFILL_KEYS))}
        )
    checker = _CHECKERS.get(field_type.key)
    if checker:
        problems.extend(checker(spec, where))
    if field_type.key == "group":
        if nested:
            problems.append(_("%(where)s: không thể đặt một nhóm lặp lại bên trong nhóm khác.") % {"where": where})
        children = spec.get("fields")
        if not isinstance(children, list) or not children:
            problems.append(_("%(where)s: nhóm lặp lại cần có danh sách trường con 'fields'.") % {"where": where})
        else:
            problems.extend(_check_fields(children, parent=path))
    return problems


def _check_label(value: Any, *, where: str, key: str) -> list[str]:
    if isinstance(value, str):
        return [] if value.strip() or key != "label" else [_("%(where)s: nhãn không được để trống.") % {"where": where}]
    if isinstance(value, dict):
        problems = []
        extra = sorted(set(value) - {"vi", "en"})
        if extra:
            problems.append(
                _("%(where)s: '%(key)s' chỉ có bản tiếng Việt (vi) và tiếng Anh (en), không có '%(lang)s'.")
                % {"where": where, "key": key, "lang": "', '".join(extra)}
            )
        if not isinstance(value.get("vi"), str) or not value.get("vi", "").strip():
            problems.append(_("%(where)s: '%(key)s' cần có bản tiếng Việt (vi).") % {"where": where, "key": key})
        if "en" in value and not isinstance(value["en"], str):
            problems.append(_("%(where)s: bản tiếng Anh của '%(key)s' phải là chữ.") % {"where": where, "key": key})
        return problems
    return [_('%(where)s: \'%(key)s\' phải là chữ hoặc {"vi": …, "en": …}.') % {"where": where, "key": key}]


def _non_negative_int(spec: dict[str, Any], key: str, where: str) -> list[str]:
    value = spec.get(key)
    if key in spec and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        return [_("%(where)s: '%(key)s' phải là số nguyên không âm.") % {"where": where, "key": key}]
    return []


def _check_lengths(spec: dict[str, Any], where: str) -> list[str]:
    problems = _non_negative_int(spec, "min_length", where) + _non_negative_int(spec, "max_length", where)
    if not problems and "min_length" in spec and "max_length" in spec and spec["min_length"] > spec["max_length"]:
        problems.append(
            _("%(where)s: độ dài tối thiểu (%(min)s) lớn hơn độ dài tối đa (%(max)s).")
            % {"where": where, "min": spec["min_length"], "max": spec["max_length"]}
        )
    if "max_length" in spec and not problems and spec["max_length"] == 0:
        problems.append(_("%(where)s: độ dài tối đa phải lớn hơn 0.") % {"where": where})
    return problems


def _check_text(spec: dict[str, Any], where: str) -> list[str]:
    problems = _check_lengths(spec, where)
    if "pattern" in spec:
        pattern = spec["pattern"]
        try:
            if not isinstance(pattern, str):
                raise re.error("not a string")
            re.compile(pattern)
        except re.error:
            problems.append(
                _("%(where)s: mẫu kiểm tra (pattern) '%(pattern)s' không phải biểu thức chính quy hợp lệ.")
                % {"where": where, "pattern": pattern}
            )
    if "pattern_message" in spec:
        if "pattern" not in spec:
            problems.append(_("%(where)s: có 'pattern_message' nhưng thiếu 'pattern'.") % {"where": where})
        problems.extend(_check_label(spec["pattern_message"], where=where, key="pattern_message"))
    return problems


def _check_textarea(spec: dict[str, Any], where: str) -> list[str]:
    problems = _check_lengths(spec, where)
    rows = spec.get("rows")
    if "rows" in spec and (isinstance(rows, bool) or not isinstance(rows, int) or not 1 <= rows <= 30):
        problems.append(_("%(where)s: 'rows' phải là số dòng từ 1 đến 30.") % {"where": where})
    return problems


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)) if isinstance(value, (int, float, str)) else None
    except InvalidOperation:
        return None


def _check_number(spec: dict[str, Any], where: str) -> list[str]:
    problems = []
    bounds = {}
    for key in ("min", "max"):
        if key in spec:
            bounds[key] = _number(spec[key])
            if bounds[key] is None:
                problems.append(_("%(where)s: '%(key)s' phải là một số.") % {"where": where, "key": key})
    if bounds.get("min") is not None and bounds.get("max") is not None and bounds["min"] > bounds["max"]:
        problems.append(
            _("%(where)s: giá trị nhỏ nhất (%(min)s) lớn hơn giá trị lớn nhất (%(max)s).")
            % {"where": where, "min": spec["min"], "max": spec["max"]}
        )
    decimals = spec.get("decimals")
    if "decimals" in spec and (isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6):
        problems.append(_("%(where)s: 'decimals' (số chữ số thập phân) phải từ 0 đến 6.") % {"where": where})
    if "unit" in spec and not isinstance(spec["unit"], str):
        problems.append(_("%(where)s: 'unit' (đơn vị, ví dụ m²) phải là chữ.") % {"where": where})
    return problems


def _check_date(spec: dict[str, Any], where: str) -> list[str]:
    problems = []
    resolved = {}
    probe = date(2000, 1, 1)  # bounds relative to today keep their order on any day; a fixed day checks them
    for key in ("min_date", "max_date"):
        if key in spec:
            try:
                if not isinstance(spec[key], str):
                    raise ValueError
                resolved[key] = resolve_date_bound(spec[key], today=probe)
            except ValueError:
                problems.append(
                    _(
                        "%(where)s: '%(key)s' = '%(value)s' không đọc được; dùng dạng 2026-01-31, today, "
                        "today-18y, today+30d hoặc today-6m."
                    )
                    % {"where": where, "key": key, "value": spec[key]}
                )
    both_relative = all(str(spec.get(k, "")).startswith("today") for k in resolved)
    both_fixed = not any(str(spec.get(k, "")).startswith("today") for k in resolved)
    if len(resolved) == 2 and (both_relative or both_fixed) and resolved["min_date"] > resolved["max_date"]:
        problems.append(_("%(where)s: ngày sớm nhất đứng sau ngày muộn nhất.") % {"where": where})
    return problems


def _check_choice(spec: dict[str, Any], where: str) -> list[str]:
    problems = []
    choices = spec.get("choices")
    if not isinstance(choices, list) or not choices:
        return [_("%(where)s: kiểu 'lựa chọn' cần danh sách 'choices' có ít nhất một lựa chọn.") % {"where": where}]
    values: set[str] = set()
    for index, choice in enumerate(choices, start=1):
        if isinstance(choice, str):
            value = choice
        elif isinstance(choice, dict) and isinstance(choice.get("value"), str):
            value = choice["value"]
            if "label" in choice:
                problems.extend(
                    _check_label(
                        choice["label"],
                        where=_("%(where)s, lựa chọn %(n)s") % {"where": where, "n": index},
                        key="label",
                    )
                )
            extra = sorted(set(choice) - {"value", "label"})
            if extra:
                problems.append(
                    _("%(where)s: lựa chọn %(n)s chỉ có 'value' và 'label'.") % {"where": where, "n": index}
                )
        else:
            problems.append(
                _('%(where)s: lựa chọn %(n)s phải là chữ hoặc {"value": …, "label": …}.') % {"where": where, "n": index}
            )
            continue
        if not value.strip():
            problems.append(_("%(where)s: lựa chọn %(n)s có giá trị rỗng.") % {"where": where, "n": index})
        if value in values:
            problems.append(_("%(where)s: lựa chọn '%(value)s' bị trùng.") % {"where": where, "value": value})
        values.add(value)
    if "multiple" in spec and not isinstance(spec["multiple"], bool):
        problems.append(_("%(where)s: 'multiple' phải là true hoặc false.") % {"where": where})
    if "widget" in spec and spec["widget"] not in CHOICE_WIDGETS:
        problems.append(_("%(where)s: 'widget' phải là 'radio' hoặc 'select'.") % {"where": where})
    return problems


def _check_address(spec: dict[str, Any], where: str) -> list[str]:
    if "street" in spec and spec["street"] not in STREET_MODES:
        return [_("%(where)s: 'street' (số nhà, đường) phải là 'required', 'optional' hoặc 'none'.") % {"where": where}]
    return []


def _check_group(spec: dict[str, Any], where: str) -> list[str]:
    problems = _non_negative_int(spec, "min_items", where) + _non_negative_int(spec, "max_items", where)
    if not problems and "min_items" in spec and "max_items" in spec and spec["min_items"] > spec["max_items"]:
        problems.append(
            _("%(where)s: số dòng tối thiểu (%(min)s) lớn hơn số dòng tối đa (%(max)s).")
            % {"where": where, "min": spec["min_items"], "max": spec["max_items"]}
        )
    if not problems and spec.get("max_items") == 0:
        problems.append(_("%(where)s: số dòng tối đa phải lớn hơn 0.") % {"where": where})
    if "item_label" in spec:
        problems.extend(_check_label(spec["item_label"], where=where, key="item_label"))
    return problems


_CHECKERS = {
    "text": _check_text,
    "textarea": _check_textarea,
    "number": _check_number,
    "date": _check_date,
    "choice": _check_choice,
    "address": _check_address,
    "group": _check_group,
}
