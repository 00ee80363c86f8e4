"""The e-form schema format (biểu mẫu điện tử): field types, the rules each accepts, labels.

A schema is JSON, stored on ``ProcedureVersion.eform_schema``::

    {
      "title": {"vi": "Tờ khai đăng ký khai sinh", "en": "Birth registration form"},
      "description": "Điền thông tin của trẻ và cha, mẹ.",
      "fields": [
        {"name": "ho_ten", "type": "text", "label": {"vi": "Họ, chữ đệm, tên", "en": "Full name"},
         "required": true, "max_length": 100, "hint": "Viết hoa có dấu."},
        {"name": "ngay_sinh", "type": "date", "label": "Ngày sinh", "required": true, "max_date": "today"},
        {"name": "gioi_tinh", "type": "choice", "label": "Giới tính",
         "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]},
        {"name": "noi_cu_tru", "type": "address", "label": "Nơi cư trú", "required": true},
        {"name": "thanh_vien", "type": "group", "label": "Thành viên hộ gia đình", "item_label": "Thành viên",
         "min_items": 1, "max_items": 10, "fields": [ ... fields of any type but group ... ]}
      ]
    }

A label or hint is a string (Vietnamese) or ``{"vi": …, "en": …}``. Date bounds are ``YYYY-MM-DD``, ``today``, or
``today-18y`` / ``today+30d`` / ``today-6m``. ``prefill`` names what the applicant's account already knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FieldType:
    key: str
    label: str  # the type's name (lazy: Vietnamese source, English from the catalog), as read in error messages
    rules: frozenset[str]


COMMON_KEYS = frozenset({"name", "type", "label", "hint", "required", "prefill"})

FIELD_TYPES: dict[str, FieldType] = {
    t.key: t
    for t in (
        FieldType(
            "text",
            pgettext_lazy("e-form field type", "văn bản"),
            frozenset({"min_length", "max_length", "pattern", "pattern_message"}),
        ),
        FieldType(
            "textarea",
            pgettext_lazy("e-form field type", "văn bản dài"),
            frozenset({"min_length", "max_length", "rows"}),
        ),
        FieldType("number", pgettext_lazy("e-form field type", "số"), frozenset({"min", "max", "decimals", "unit"})),
        FieldType("date", pgettext_lazy("e-form field type", "ngày"), frozenset({"min_date", "max_date"})),
        FieldType(
            "choice", pgettext_lazy("e-form field type", "lựa chọn"), frozenset({"choices", "multiple", "widget"})
        ),
        FieldType("boolean", pgettext_lazy("e-form field type", "có/không"), frozenset()),
        FieldType("cccd", pgettext_lazy("e-form field type", "số định danh cá nhân (CCCD)"), frozenset()),
        FieldType("phone", pgettext_lazy("e-form field type", "số điện thoại"), frozenset()),
        FieldType("email", pgettext_lazy("e-form field type", "thư điện tử"), frozenset()),
        FieldType("address", pgettext_lazy("e-form field type", "địa chỉ"), frozenset({"street"})),
        FieldType(
            "group",
            pgettext_lazy("e-form field type", "nhóm lặp lại"),
            frozenset({"fields", "min_items", "max_items", "item_label"}),
        ),
    )
}

# What an account already knows, by prefill key (portal.models.User attributes).
PREFILL_KEYS = frozenset(
    {"full_name", "citizen_id", "tax_code", "organisation_name", "phone", "email", "date_of_birth", "address"}
)
STREET_MODES = ("required", "optional", "none")
CHOICE_WIDGETS = ("radio", "select")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
DATE_BOUND_RE = re.compile(r"^today(?:([+-])(\d{1,3})([dmy]))?$")


def text(value: object, language: str | None = None) -> str:
    """A label in the current language, falling back to Vietnamese."""
    if value is None:
        return ""
    if isinstance(value, dict):
        language = (language or get_language() or "vi")[:2]
        return str(value.get(language) or value.get("vi") or "")
    return str(value)


def resolve_date_bound(value: str, *, today: date) -> date:
    """``2026-01-31``, ``today``, ``today-18y``, ``today+30d``, ``today-6m`` → a date. Raises ValueError."""
    value = (value or "").strip()
    match = DATE_BOUND_RE.match(value)
    if not match:
        return date.fromisoformat(value)
    sign, amount, unit = match.groups()
    if not sign:
        return today
    n = int(amount) * (1 if sign == "+" else -1)
    if unit == "d":
        return date.fromordinal(today.toordinal() + n)
    months = today.year * 12 + today.month - 1 + (n if unit == "m" else 12 * n)
    year, month = divmod(months, 12)
    month += 1
    day = today.day
    while True:  # 29/2 minus one year is 28/2
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


TRUE_LABEL = _("Có")
FALSE_LABEL = _("Không")
