"""Vietnamese identifiers: CCCD (Circular 07/2016/TT-BCA), mobile numbers, tax codes (MST)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from portal.accounts.validators import (
    citizen_id_problems,
    normalize_phone,
    tax_code_is_valid,
    validate_citizen_id,
    validate_phone,
    validate_tax_code,
)


@pytest.mark.parametrize(
    ("number", "born", "gender", "ok"),
    [
        pytest.param("080090001234", date(1990, 5, 1), "male", True, id="long-an-080-man-born-1990"),
        pytest.param("079195001234", date(1995, 1, 1), "female", True, id="hcmc-079-woman-born-1995"),
        pytest.param("001303001234", date(2003, 2, 2), "female", True, id="hanoi-001-woman-born-2003-century-digit-3"),
        pytest.param("001303001234", None, "", True, id="no-birth-date-no-gender-given"),
        pytest.param("080090001234", date(1991, 5, 1), "male", False, id="year-90-in-number-but-born-1991"),
        pytest.param("080090001234", date(1990, 5, 1), "female", False, id="even-digit-is-a-man"),
        pytest.param("003090001234", None, "", False, id="003-is-no-province-code"),
        pytest.param("08009000123", None, "", False, id="eleven-digits"),
        pytest.param("08009000123a", None, "", False, id="a-letter"),
        pytest.param(" 080090001234 ", None, "", True, id="spaces-around-are-ignored"),
    ],
)
def test_citizen_id(number, born, gender, ok):
    assert (citizen_id_problems(number, date_of_birth=born, gender=gender) == []) is ok


def test_citizen_id_problems_are_in_vietnamese():
    (problem,) = citizen_id_problems("123")
    assert problem == "Số định danh cá nhân phải gồm đúng 12 chữ số."
    with pytest.raises(ValidationError):
        validate_citizen_id("003090001234")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("(091) 234-5678", "0912345678"),
        ("0387654321", "0387654321"),
    ],
)
def test_phone_numbers_are_normalised(raw, normal):
    assert normalize_phone(raw) == normal


@pytest.mark.parametrize("raw", ["0212345678", "091234567", "09123456789", "abc", "", "+1 650 555 0100"])
def test_invalid_phone_numbers(raw):
    with pytest.raises(ValueError):
        normalize_phone(raw)
    with pytest.raises(ValidationError):
        validate_phone(raw)


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("0100109106", True),  # a real-format MST with a correct check digit
        ("0100109106-001", True),  # a branch
        ("0100109107", False),  # wrong check digit
        ("010010910", False),
        ("0100109106-01", False),
    ],
)
def test_tax_codes(code, ok):
    assert tax_code_is_valid(code) is ok
    if not ok:
        with pytest.raises(ValidationError):
            validate_tax_code(code)
