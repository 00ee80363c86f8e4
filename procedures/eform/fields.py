"""Django form fields for each e-form field type. CCCD and phone checks are the accounts' own validators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    DecimalValidator,
    EmailValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
)
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from portal import clock
from portal.accounts.validators import citizen_id_problems, normalize_phone
from procedures import divisions

from .types import resolve_date_bound, text

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
# Submit buttons that only change the form's layout (no validation messages): refresh the commune lists,
# add a row to a repeatable group (value: the group's name).
REFRESH_KEY = "_eform_refresh"
ADD_ROW_KEY = "_eform_add"


class CitizenIdField(forms.CharField):
    """A 12-digit personal identification number (số định danh cá nhân, CCCD)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return "".join(value.split()) if value else value

    def validate(self, value: str) -> None:
        super().validate(value)
        if value:
            problems = citizen_id_problems(value)
            if problems:
                raise ValidationError(problems, code="invalid_citizen_id")


class PhoneField(forms.CharField):
    """A Vietnamese mobile number, stored as 0xxxxxxxxx."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        try:
            return normalize_phone(value)
        except ValueError:
            raise ValidationError(
                _("Số điện thoại di động không hợp lệ (10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09)."),
                code="invalid_phone",
            ) from None


class LowerEmailField(forms.EmailField):
    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return value.lower() if value else value


class BoundedDateField(forms.DateField):
    """A date between optional bounds given as 2026-01-31, today, today-18y … (resolved on the portal clock)."""

    def __init__(self, *, min_date: str | None = None, max_date: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)
        self.min_date, self.max_date = min_date, max_date
        today = clock.today()
        for bound, attr in ((min_date, "min"), (max_date, "max")):
            if bound:
                self.widget.attrs[attr] = resolve_date_bound(bound, today=today).isoformat()

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is None:
            return
        today = clock.today()
        if self.min_date and value < (low := resolve_date_bound(self.min_date, today=today)):
            raise ValidationError(_("Ngày phải từ %(date)s trở đi.") % {"date": low.strftime("%d/%m/%Y")})
        if self.max_date and value > (high := resolve_date_bound(self.max_date, today=today)):
            if high == today:
                raise ValidationError(
                    _("Ngày không được sau hôm nay (%(date)s).") % {"date": high.strftime("%d/%m/%Y")}
                )
            raise ValidationError(_("Ngày không được sau %(date)s.") % {"date": high.strftime("%d/%m/%Y")})


class AddressWidget(forms.MultiWidget):
    """Province select, commune select narrowed to that province, and the street line.

    Without JavaScript the commune list is the chosen province's, refreshed when the form is sent back with the
    "update the commune list" button; with htmx, changing the province swaps the commune options in place.
    """

    template_name = "procedures/eform/widgets/address.html"

    def __init__(self, *, street: str = "optional", attrs: dict | None = None) -> None:
        self.street = street
        province_choices = [("", _("— Chọn tỉnh, thành phố —"))] + [(p.code, p.name) for p in divisions.provinces()]
        widgets = {
            "province": forms.Select(choices=province_choices, attrs={"autocomplete": "address-level1"}),
            "commune": forms.Select(choices=[], attrs={"autocomplete": "address-level2"}),
            "street": forms.TextInput(attrs={"autocomplete": "street-address", "maxlength": 255}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [value.get("province") or "", value.get("commune") or "", value.get("street") or ""]
        return ["", "", ""]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        values = value if isinstance(value, list) else self.decompress(value)
        province_code = values[0] if values else ""
        communes = divisions.communes_of(province_code)
        placeholder = _("— Chọn phường, xã —") if communes else _("— Chọn tỉnh, thành phố trước —")
        self.widgets[1].choices = [("", placeholder)] + [(c.code, c.name) for c in communes]
        try:
            url = reverse("procedures:communes")
        except NoReverseMatch:
            url = ""
        base_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        if url:
            self.widgets[0].attrs.update(
                {
                    "hx-get": f"{url}?field={name}_province",
                    "hx-target": f"#{base_id}_1",  # MultiWidget ids are indexed; names use the suffixes
                    "hx-trigger": "change",
                    "hx-swap": "innerHTML",
                }
            )
        context = super().get_context(name, value, attrs)
        context["widget"]["street_mode"] = self.street
        context["widget"]["base_id"] = base_id
        context["widget"]["refresh_name"] = REFRESH_KEY
        return context


class AddressField(forms.MultiValueField):
    """An address in today's two-level administrative map: province, commune, and the street line."""

    widget = AddressWidget

    def __init__(self, *, street: str = "optional", label: str = "", **kwargs: Any) -> None:
        self.street = street
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False, max_length=255),
        )
        kwargs["widget"] = AddressWidget(street=street)
        super().__init__(fields=fields, require_all_fields=False, label=label, **kwargs)

    def clean(self, value: Any) -> dict[str, str] | None:
        if isinstance(value, dict):
            value = self.widget.decompress(value)
        value = [str(v or "").strip() for v in (value or ["", "", ""])]
        value += [""] * (3 - len(value))
        province_code, commune_code, street = value[:3]
        if self.street == "none":
            street = ""
        if not any((province_code, commune_code, street)):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        errors = []
        province = divisions.province(province_code)
        commune = divisions.commune(commune_code)
        if province is None:
            errors.append(_("Chọn tỉnh, thành phố."))
        elif commune is None:
            errors.append(_("Chọn phường, xã thuộc %(province)s.") % {"province": province.name})
        elif commune.province_code != province.code:
            errors.append(_("Phường, xã đã chọn không thuộc %(province)s; hãy chọn lại.") % {"province": province.name})
        if self.street == "required" and not street:
            errors.append(_("Nhập số nhà, tên đường hoặc thôn, ấp."))
        if len(street) > 255:
            errors.append(_("Số nhà, đường dài quá 255 ký tự."))
        if errors:
            raise ValidationError(errors)
        return {
            "province": province.code,
            "province_name": province.name,
            "commune": commune.code,
            "commune_name": commune.name,
            "street": street,
        }


def address_text(value: dict[str, Any] | None) -> str:
    """'12 Nguyễn Huệ, Phường Tân An, Tây Ninh' from a cleaned address."""
    if not value:
        return ""
    parts = [
        value.get("street") or "",
        value.get("commune_name") or getattr(divisions.commune(value.get("commune")), "name", ""),
        value.get("province_name") or getattr(divisions.province(value.get("province")), "name", ""),
    ]
    return ", ".join(p for p in parts if p)


def choice_pairs(spec: dict[str, Any], language: str | None = None) -> list[tuple[str, str]]:
    pairs = []
    for choice in spec.get("choices", []):
        if isinstance(choice, str):
            pairs.append((choice, choice))
        else:
            pairs.append((choice["value"], text(choice.get("label", choice["value"]), language)))
    return pairs


class _DecimalPlaces(DecimalValidator):
    messages = {
        "invalid": _lazy("Nhập một số."),
        "max_digits": _lazy("Số quá dài (tối đa %(max)s chữ số)."),
        "max_decimal_places": _lazy("Chỉ ghi tối đa %(max)s chữ số thập phân."),
        "max_whole_digits": _lazy("Phần nguyên quá dài (tối đa %(max)s chữ số)."),
    }


def _plain_messages(field: forms.Field, label: str) -> None:
    """Messages in plain Vietnamese naming the field (Django's own translations read awkwardly here)."""
    replaced = []
    for validator in field.validators:
        limit = getattr(validator, "limit_value", None)
        if isinstance(validator, MaxLengthValidator):
            message = ngettext("“%(label)s” dài tối đa %(n)s ký tự.", "“%(label)s” dài tối đa %(n)s ký tự.", limit) % {
                "label": label,
                "n": limit,
            }
            replaced.append(MaxLengthValidator(limit, message=message))
        elif isinstance(validator, MinLengthValidator):
            message = ngettext(
                "“%(label)s” cần ít nhất %(n)s ký tự.", "“%(label)s” cần ít nhất %(n)s ký tự.", limit
            ) % {"label": label, "n": limit}
            replaced.append(MinLengthValidator(limit, message=message))
        elif isinstance(validator, MaxValueValidator):
            message = _("“%(label)s” không được lớn hơn %(n)s.") % {"label": label, "n": limit}
            replaced.append(MaxValueValidator(limit, message=message))
        elif isinstance(validator, MinValueValidator):
            message = _("“%(label)s” không được nhỏ hơn %(n)s.") % {"label": label, "n": limit}
            replaced.append(MinValueValidator(limit, message=message))
        elif isinstance(validator, DecimalValidator):
            replaced.append(_DecimalPlaces(validator.max_digits, validator.decimal_places))
        else:
            replaced.append(validator)
    field.validators = replaced
    field.error_messages.update(
        {
            "invalid_choice": _("Giá trị “%(value)s” không có trong các lựa chọn của “{label}”.").replace(
                "{label}", label
            ),
            "invalid_list": _("“%(label)s” nhận một danh sách lựa chọn.") % {"label": label},
        }
    )
    if isinstance(field, (forms.IntegerField, forms.DecimalField)):
        field.error_messages["invalid"] = _("“%(label)s” phải là một số.") % {"label": label}
    if isinstance(field, forms.DateField):
        field.error_messages["invalid"] = _("“%(label)s”: ngày không đúng dạng (ngày/tháng/năm).") % {"label": label}
    if isinstance(field, forms.EmailField):
        field.error_messages["invalid"] = _("“%(label)s”: địa chỉ thư điện tử không hợp lệ.") % {"label": label}
        field.validators = [v for v in field.validators if not isinstance(v, EmailValidator)] + [
            EmailValidator(message=field.error_messages["invalid"])
        ]


def build_field(spec: dict[str, Any], *, language: str | None = None) -> forms.Field:
    """The Django form field for one (non-group) schema field; the schema is already valid."""
    kind = spec["type"]
    label = text(spec.get("label"), language)
    required = bool(spec.get("required", False))
    common: dict[str, Any] = {"label": label, "required": required, "help_text": text(spec.get("hint"), language)}
    if kind == "text":
        field: forms.Field = forms.CharField(
            min_length=spec.get("min_length"), max_length=spec.get("max_length"), **common
        )
        if spec.get("pattern"):
            message = text(spec.get("pattern_message"), language) or _("“%(label)s” không đúng định dạng.") % {
                "label": label
            }
            field.validators.append(RegexValidator(spec["pattern"], message=message))
    elif kind == "textarea":
        field = forms.CharField(
            min_length=spec.get("min_length"),
            max_length=spec.get("max_length"),
            widget=forms.Textarea(attrs={"rows": spec.get("rows", 4)}),
            **common,
        )
    elif kind == "number":
        decimals = spec.get("decimals", 0)
        bounds = {
            "min_value": Decimal(str(spec["min"])) if "min" in spec else None,
            "max_value": Decimal(str(spec["max"])) if "max" in spec else None,
        }
        if decimals:
            field = forms.DecimalField(max_digits=18, decimal_places=decimals, **bounds, **common)
            field.widget.attrs["step"] = str(Decimal(1).scaleb(-decimals))
        else:
            bounds = {k: int(v) if v is not None else None for k, v in bounds.items()}
            field = forms.IntegerField(**bounds, **common)
        field.widget.attrs["inputmode"] = "decimal" if decimals else "numeric"
    elif kind == "date":
        field = BoundedDateField(min_date=spec.get("min_date"), max_date=spec.get("max_date"), **common)
    elif kind == "choice":
        pairs = choice_pairs(spec, language)
        if spec.get("multiple"):
            field = forms.MultipleChoiceField(choices=pairs, widget=forms.CheckboxSelectMultiple, **common)
        else:
            widget_kind = spec.get("widget") or ("radio" if len(pairs) <= 5 else "select")
            if widget_kind == "radio":
                field = forms.ChoiceField(choices=pairs, widget=forms.RadioSelect, **common)
            else:
                field = forms.ChoiceField(choices=[("", _("— Chọn —")), *pairs], **common)
    elif kind == "boolean":
        field = forms.BooleanField(**common)
    elif kind == "cccd":
        field = CitizenIdField(**common)
        field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "maxlength": 12})
    elif kind == "phone":
        field = PhoneField(**common)
        field.widget.input_type = "tel"
        field.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
    elif kind == "email":
        field = LowerEmailField(**common)
        field.widget.attrs["autocomplete"] = "email"
    elif kind == "address":
        field = AddressField(street=spec.get("street", "optional"), **common)
    else:  # pragma: no cover - validate_schema refuses unknown types
        raise ValueError(f"Unknown e-form field type {kind!r}")
    _plain_messages(field, label)
    if kind == "boolean":
        verb = _("Vui lòng đánh dấu “%(label)s”.")
    elif kind in ("choice", "address"):
        verb = _("Vui lòng chọn “%(label)s”.")
    else:
        verb = _("Vui lòng nhập “%(label)s”.")
    field.error_messages["required"] = verb % {"label": label}
    field.eform_type = kind
    field.eform_spec = spec
    return field
