"""The e-form engine (biểu mẫu điện tử): schema format, validation, Django forms, API cleaning, display.

Public API — the dossier submission, the desk's counter intake and the documents use only these names:

- ``validate_schema(schema) -> list[str]``: problems an administrator can act on (empty when valid).
- ``build_form(schema, *, data=None, initial=None, prefix=None, language=None) -> EForm``: a Django form;
  ``{{ form }}`` renders it accessibly (error summary, labels, hints, address pickers, repeatable groups that
  work without JavaScript); ``form.is_valid()`` then ``form.cleaned_json()`` gives the answers to store.
- ``clean_data(schema, data) -> (cleaned, errors)``: the same rules for JSON answers (API, partner push).
- ``initial_for_user(schema, user)``: answers the account already knows (fields with ``prefill``).
- ``answers(schema, data) -> list[Answer]``: labels and display values to read stored answers back.

The format itself is documented in ``procedures/eform/types.py`` and ``docs/import_procedures.md``.
"""

from .cleaning import clean_data, initial_for_user
from .display import Answer, answers, display_value
from .forms import EForm, build_form
from .schema import validate_schema
from .types import FIELD_TYPES, PREFILL_KEYS

__all__ = [
    "FIELD_TYPES",
    "PREFILL_KEYS",
    "Answer",
    "EForm",
    "answers",
    "build_form",
    "clean_data",
    "display_value",
    "initial_for_user",
    "validate_schema",
]
