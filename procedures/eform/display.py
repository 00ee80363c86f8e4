"""Reading answers back: labels and display values for the desk, the citizen's dossier page and the PDFs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .fields import address_text, choice_pairs
from .types import FALSE_LABEL, TRUE_LABEL, text


@dataclass
class Answer:
    name: str
    label: str
    value: str  # ready to show; "" when not answered
    rows: list[list[Answer]] = field(default_factory=list)  # a repeatable group's items
    is_group: bool = False


def answers(schema: dict[str, Any], data: dict[str, Any] | None, *, language: str | None = None) -> list[Answer]:
    """One Answer per schema field, in schema order, from stored answers (``Dossier.form_data``)."""
    data = data or {}
    out = []
    for spec in schema.get("fields", []):
        name = spec["name"]
        label = text(spec.get("label"), language)
        if spec["type"] == "group":
            rows = [
                [
                    Answer(c["name"], text(c.get("label"), language), display_value(c, row.get(c["name"]), language))
                    for c in spec["fields"]
                ]
                for row in (data.get(name) or [])
                if isinstance(row, dict)
            ]
            out.append(Answer(name, label, "", rows, is_group=True))
        else:
            out.append(Answer(name, label, display_value(spec, data.get(name), language)))
    return out


def display_value(spec: dict[str, Any], value: Any, language: str | None = None) -> str:
    kind = spec["type"]
    if value in (None, "", []):
        return str(FALSE_LABEL) if kind == "boolean" and value is not None else ""
    if kind == "boolean":
        return str(TRUE_LABEL if value else FALSE_LABEL)
    if kind == "choice":
        labels = dict(choice_pairs(spec, language))
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if kind == "address":
        return address_text(value) if isinstance(value, dict) else str(value)
    if kind == "number" and spec.get("unit"):
        return f"{value} {spec['unit']}"
    return str(value)
