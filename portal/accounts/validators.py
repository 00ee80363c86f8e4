"""Vietnamese identifiers: citizen ID (CCCD), phone numbers, tax codes (MST)."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Province codes of the 12-digit personal identification number (Circular 07/2016/TT-BCA, annex),
# the place where the birth was registered.
CCCD_PROVINCE_CODES = frozenset(
    f"{n:03d}"
    for n in (
        1,
        2,
        4,
        6,
        8,
        10,
        11,
        12,
        14,
        15,
        17,
        19,
        20,
        22,
        24,
        25,
        26,
        27,
        30,
        31,
        33,
        34,
        35,
        36,
        37,
        38,
        40,
        42,
        44,
        45,
        46,
        48,
        49,
        51,
        52,
        54,
        56,
        58,
        60,
        62,
        64,
        66,
        67,
        68,
        70,
        72,
        74,
        75,
        77,
        79,
        80,
        82,
        83,
        84,
        86,
        87,
        89,
        91,
        92,
        93,
        94,
        95,
        96,
    )
)
# 4th digit: century of birth and gender (even = male, odd = female), 0/1 → 1900s, 2/3 → 2000s, …
CCCD_CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}

_CCCD_RE = re.compile(r"^\d{12}$")
_PHONE_RE = re.compile(r"^0(3|5|7|8|9)\d{8}$")
_TAX_RE = re.compile(r"^\d{10}(-\d{3})?$")
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def citizen_id_problems(value: str, *, date_of_birth: date | None = None, gender: str = "") -> list[str]:
    """Why ``value`` is not a valid CCCD number (empty when it is)."""
    value = (value or "").strip()
    if not _CCCD_RE.match(value):
        return [str(_("Số định danh cá nhân phải gồm đúng 12 chữ số."))]
    problems: list[str] = []
    if value[:3] not in CCCD_PROVINCE_CODES:
        problems.append(str(_("Ba chữ số đầu (mã tỉnh nơi đăng ký khai sinh) không hợp lệ.")))
    century_digit = int(value[3])
    century = CCCD_CENTURY[century_digit]
    year = century + int(value[4:6])
    if date_of_birth is not None and date_of_birth.year != year:
        problems.append(str(_("Năm sinh trong số định danh không khớp với ngày sinh đã khai.")))
    if gender in ("male", "female") and (century_digit % 2 == 0) != (gender == "male"):
        problems.append(str(_("Mã giới tính trong số định danh không khớp với giới tính đã khai.")))
    return problems


def validate_citizen_id(value: str) -> None:
    problems = citizen_id_problems(value)
    if problems:
        raise ValidationError(problems, code="invalid_citizen_id")


def normalize_phone(value: str) -> str:
    """0xxxxxxxxx from '+84 912 345 678', '84912345678', '0912.345.678'. Raises ValueError if not a VN mobile."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _PHONE_RE.match(digits):
        raise ValueError(value)
    return digits


def validate_phone(value: str) -> None:
    try:
        normalize_phone(value)
    except ValueError:
        raise ValidationError(
            _("Số điện thoại di động không hợp lệ (10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09)."),
            code="invalid_phone",
        ) from None


def tax_code_is_valid(value: str) -> bool:
    """Check digit of the 10-digit MST (the 13-digit branch form adds '-NNN')."""
    value = (value or "").strip()
    if not _TAX_RE.match(value):
        return False
    digits = [int(c) for c in value[:10]]
    total = sum(d * w for d, w in zip(digits[:9], _TAX_WEIGHTS, strict=True))
    check = 10 - total % 11  # a remainder of 0 gives 10: no valid code has it
    return check <= 9 and check == digits[9]


def validate_tax_code(value: str) -> None:
    if not tax_code_is_valid(value):
        raise ValidationError(
            _("Mã số thuế không hợp lệ (10 chữ số, hoặc 10 chữ số-3 chữ số cho chi nhánh; sai chữ số kiểm tra)."),
            code="invalid_tax_code",
        )
