"""Building a Django form from an e-form schema: ``build_form`` and the ``EForm`` it returns.

Repeatable groups are formsets, one row per item, and work without JavaScript: an "add a row" submit button sends
the form back with one more row, a "remove this row" checkbox drops a row on submission. Such a layout change, and
the "update the commune list" button of an address, make ``is_valid()`` False without showing any error, so the
view simply renders the form again (the usual ``if form.is_valid(): … else: render``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django import forms as django_forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .fields import ADD_ROW_KEY, REFRESH_KEY, build_field
from .types import text

DEFAULT_MAX_ITEMS = 50


class EFormRenderer(DjangoTemplates):
    """Django's form renderer, also seeing the project's templates/ folder, where the e-form templates live."""

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [Path(django_forms.__file__).parent / self.backend.app_dirname, *settings.TEMPLATES[0]["DIRS"]],
                "NAME": "eform",
                "OPTIONS": {},
            }
        )


RENDERER = EFormRenderer()


class GroupRowForm(forms.Form):
    """One item of a repeatable group (một dòng của nhóm lặp lại)."""

    use_required_attribute = False
    default_renderer = RENDERER

    def __init__(self, *args: Any, specs: list[dict[str, Any]], language: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs = specs
        for spec in specs:
            self.fields[spec["name"]] = build_field(spec, language=language)


class GroupFormSet(forms.BaseFormSet):
    """The rows of a repeatable group; counts are checked here with messages that name the group."""

    deletion_widget = forms.CheckboxInput

    def __init__(self, *args: Any, group_spec: dict[str, Any], language: str | None, **kwargs: Any) -> None:
        self.group_spec = group_spec
        self.language = language
        kwargs["form_kwargs"] = {"specs": group_spec["fields"], "language": language}
        super().__init__(*args, **kwargs)

    @property
    def label(self) -> str:
        return text(self.group_spec.get("label"), self.language)

    @property
    def item_label(self) -> str:
        return text(self.group_spec.get("item_label"), self.language) or _("Mục")

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Bỏ dòng này khi gửi")

    def kept_forms(self) -> list[forms.Form]:
        """Rows that count: not marked for removal and not left blank."""
        kept = []
        for index, form in enumerate(self.forms):
            if self.can_delete and self._should_delete_form(form):
                continue
            if index < self.initial_form_count() or form.has_changed():
                kept.append(form)
        return kept

    def clean(self) -> None:
        if any(form.errors for form in self.forms if not (self.can_delete and self._should_delete_form(form))):
            return
        count = len(self.kept_forms())
        low = self.group_spec.get("min_items", 0)
        high = self.group_spec.get("max_items", DEFAULT_MAX_ITEMS)
        if count < low:
            raise ValidationError(
                _("“%(label)s” cần ít nhất %(n)s %(item)s.") % {"label": self.label, "n": low, "item": self.item_label}
            )
        if count > high:
            raise ValidationError(
                _("“%(label)s” có nhiều nhất %(n)s %(item)s.")
                % {"label": self.label, "n": high, "item": self.item_label}
            )


def _group_formset_class(spec: dict[str, Any]) -> type[GroupFormSet]:
    return forms.formset_factory(
        GroupRowForm,
        formset=GroupFormSet,
        extra=0,
        min_num=spec.get("min_items", 0),
        max_num=spec.get("max_items", DEFAULT_MAX_ITEMS),
        absolute_max=spec.get("max_items", DEFAULT_MAX_ITEMS) + 1,
        can_delete=True,
        can_delete_extra=True,
        renderer=RENDERER,
    )


class EForm(forms.Form):
    """A citizen's e-form (biểu mẫu điện tử) built from a schema. Render it with ``{{ form }}``."""

    template_name = "procedures/eform/form.html"
    default_renderer = RENDERER
    use_required_attribute = False  # the error summary, not the browser, tells what is missing
    default_error_summary_title = gettext_lazy("Biểu mẫu còn lỗi, vui lòng kiểm tra các mục sau")

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        schema: dict[str, Any],
        initial: dict[str, Any] | None = None,
        prefix: str | None = None,
        language: str | None = None,
    ) -> None:
        self.schema = schema
        self.language = language
        self.layout_change: str | None = None
        initial = dict(initial or {})
        group_specs = [spec for spec in schema.get("fields", []) if spec.get("type") == "group"]
        group_initial = {spec["name"]: initial.pop(spec["name"], None) for spec in group_specs}
        data = self._apply_layout_buttons(data, prefix=prefix)
        super().__init__(data=data, files=files, initial=initial, prefix=prefix)
        self.groups: dict[str, GroupFormSet] = {}
        for spec in schema.get("fields", []):
            if spec["type"] == "group":
                rows = group_initial.get(spec["name"]) or []
                formset_class = _group_formset_class(spec)
                if not rows and not spec.get("min_items"):
                    formset_class.extra = 1  # show one empty row to start with
                self.groups[spec["name"]] = formset_class(
                    data=self.data if self.is_bound else None,
                    initial=rows or None,
                    prefix=self.add_prefix(spec["name"]),
                    group_spec=spec,
                    language=language,
                )
            else:
                self.fields[spec["name"]] = build_field(spec, language=language)

    # --- layout buttons ---------------------------------------------------------------------------------------

    def _apply_layout_buttons(self, data: Any, *, prefix: str | None) -> Any:
        if data is None:
            return None
        add_key = f"{prefix}-{ADD_ROW_KEY}" if prefix else ADD_ROW_KEY
        if REFRESH_KEY in data:
            self.layout_change = "refresh"
        group = data.get(add_key)
        if group:
            self.layout_change = "add"
            spec = next((s for s in self.schema.get("fields", []) if s.get("name") == group), None)
            if spec is not None and spec.get("type") == "group":
                total_key = f"{prefix}-{group}-TOTAL_FORMS" if prefix else f"{group}-TOTAL_FORMS"
                data = data.copy()
                try:
                    total = int(data.get(total_key) or 0)
                except ValueError:
                    total = 0
                data[total_key] = str(min(total + 1, spec.get("max_items", DEFAULT_MAX_ITEMS)))
        return data

    @property
    def add_row_name(self) -> str:
        return self.add_prefix(ADD_ROW_KEY)

    @property
    def show_errors(self) -> bool:
        return self.is_bound and self.layout_change is None

    # --- validation -------------------------------------------------------------------------------------------

    def is_valid(self) -> bool:
        own = super().is_valid()
        groups = all([formset.is_valid() for formset in self.groups.values()])
        return own and groups and self.layout_change is None

    def cleaned_json(self) -> dict[str, Any]:
        """The answers as JSON-ready values, in schema order (call after ``is_valid()``)."""
        out: dict[str, Any] = {}
        for spec in self.schema.get("fields", []):
            name = spec["name"]
            if spec["type"] == "group":
                formset = self.groups[name]
                rows = []
                for form in formset.kept_forms():
                    rows.append({s["name"]: to_json(s, form.cleaned_data.get(s["name"])) for s in spec["fields"]})
                out[name] = rows
            else:
                out[name] = to_json(spec, self.cleaned_data.get(name))
        return out

    def errors_by_path(self) -> dict[str, list[str]]:
        """Errors keyed by JSON path: ``ho_ten``, ``thanh_vien[1].ngay_sinh``, ``thanh_vien`` (the group)."""
        errors: dict[str, list[str]] = {}
        for name, messages in self.errors.items():
            errors[name] = [str(m) for m in messages]
        for name, formset in self.groups.items():
            if formset.non_form_errors():
                errors[name] = [str(m) for m in formset.non_form_errors()]
            for index, form in enumerate(formset.forms):
                for field, messages in form.errors.items():
                    errors[f"{name}[{index}].{field}"] = [str(m) for m in messages]
        return errors

    def error_summary(self) -> list[dict[str, str]]:
        """Every error once, in page order, with the id of the control it belongs to (for the summary links)."""
        if not self.show_errors:
            return []
        items = [{"id": "", "label": "", "message": str(m)} for m in self.non_field_errors()]
        for spec in self.schema.get("fields", []):
            name = spec["name"]
            if spec["type"] == "group":
                formset = self.groups[name]
                for message in formset.non_form_errors():
                    items.append(
                        {"id": f"{self.add_prefix(name)}-group", "label": formset.label, "message": str(message)}
                    )
                for index, form in enumerate(formset.forms):
                    for field_name, messages in form.errors.items():
                        if field_name not in form.fields:
                            continue
                        bound = form[field_name]
                        label = f"{formset.item_label} {index + 1} — {bound.label}"
                        for message in messages:
                            items.append({"id": _anchor(bound), "label": label, "message": str(message)})
            elif name in self.errors:
                bound = self[name]
                for message in self.errors[name]:
                    items.append({"id": _anchor(bound), "label": bound.label, "message": str(message)})
        return items

    # --- rendering --------------------------------------------------------------------------------------------

    @property
    def title(self) -> str:
        return text(self.schema.get("title"), self.language)

    @property
    def description(self) -> str:
        return text(self.schema.get("description"), self.language)

    def items(self) -> list[dict[str, Any]]:
        """The schema's fields in order, ready for the templates (fields decorated for screen readers)."""
        out = []
        for spec in self.schema.get("fields", []):
            name = spec["name"]
            if spec["type"] == "group":
                formset = self.groups[name]
                rows = []
                for index, form in enumerate(formset.forms):
                    rows.append(
                        {
                            "number": index + 1,
                            "form": form,
                            "fields": [
                                _decorate(form[s["name"]], s, show_errors=self.show_errors)
                                for s in formset.forms[index].specs
                            ],
                            "delete": form["DELETE"] if "DELETE" in form.fields else None,
                        }
                    )
                out.append(
                    {
                        "kind": "group",
                        "name": name,
                        "id": f"{self.add_prefix(name)}-group",
                        "label": formset.label,
                        "hint": text(spec.get("hint"), self.language),
                        "item_label": formset.item_label,
                        "formset": formset,
                        "rows": rows,
                        "errors": formset.non_form_errors() if self.show_errors else [],
                        "can_add": formset.total_form_count() < spec.get("max_items", DEFAULT_MAX_ITEMS),
                    }
                )
            else:
                out.append({"kind": "field", **_decorate(self[name], spec, show_errors=self.show_errors)})
        return out

    def get_context(self) -> dict[str, Any]:
        context = super().get_context()
        context.update({"items": self.items(), "summary": self.error_summary(), "eform": self})
        return context


def _anchor(bound: forms.BoundField) -> str:
    if getattr(bound.field, "eform_type", "") == "address":
        return f"{bound.auto_id}_0"
    if getattr(bound.field, "eform_type", "") == "choice" and isinstance(
        bound.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)
    ):
        return f"{bound.auto_id}_0"
    return bound.auto_id


def _decorate(bound: forms.BoundField, spec: dict[str, Any], *, show_errors: bool) -> dict[str, Any]:
    """Link hint and error to the control (aria-describedby, aria-invalid); say how to lay it out."""
    widget = bound.field.widget
    is_fieldset = isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget))
    errors = list(bound.errors) if show_errors else []
    described = []
    if bound.help_text:
        described.append(f"{bound.auto_id}_helptext")
    if errors:
        described.append(f"{bound.auto_id}_error")
    if not is_fieldset:
        if described:
            widget.attrs["aria-describedby"] = " ".join(described)
        else:
            widget.attrs.pop("aria-describedby", None)
        if errors:
            widget.attrs["aria-invalid"] = "true"
        else:
            widget.attrs.pop("aria-invalid", None)
    return {
        "field": bound,
        "spec": spec,
        "type": spec["type"],
        "fieldset": is_fieldset,
        "errors": errors,
        "described_by": " ".join(described),
        "required": bool(spec.get("required")),
        "unit": spec.get("unit", ""),
    }


def to_json(spec: dict[str, Any], value: Any) -> Any:
    """A cleaned Python value as stored in ``Dossier.form_data``: dates ISO, decimals as strings."""
    kind = spec["type"]
    if kind == "boolean":
        return bool(value)
    if kind == "choice" and spec.get("multiple"):
        return list(value or [])
    if value in (None, ""):
        return "" if kind in ("text", "textarea", "choice", "cccd", "phone", "email") else None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != value.to_integral() else str(int(value))
    return value


def build_form(
    schema: dict[str, Any],
    *,
    data: Any = None,
    initial: dict[str, Any] | None = None,
    prefix: str | None = None,
    language: str | None = None,
    files: Any = None,
) -> EForm:
    """The Django form for ``schema`` (bound when ``data`` is given). ``initial`` uses the JSON shape of answers."""
    return EForm(data=data, files=files, schema=schema, initial=initial, prefix=prefix, language=language)
