"""How dates, times, durations and agencies are written on Vietnamese administrative papers (ND 30/2020 style)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Agency

# Words that start the place part of an agency's name: "Sở Tư pháp tỉnh Long An" → symbol from "Sở Tư pháp"
# ("xã hội", society, is not a commune).
_PLACE = re.compile(r"\s(?:tỉnh|thành phố|huyện|quận|thị xã|xã(?! hội)|phường|thị trấn)\s", re.IGNORECASE)


def local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


def moment_text(moment: datetime | None) -> str:
    """``10 giờ 30 phút, ngày 23/11/2026`` (time received, appointment time on Mẫu 01)."""
    if moment is None:
        return ""
    m = timezone.localtime(moment)
    return _("%(h)02d giờ %(m)02d phút, ngày %(d)s") % {"h": m.hour, "m": m.minute, "d": m.strftime("%d/%m/%Y")}


def short_moment(moment: datetime | None) -> str:
    """``10:30 23/11/2026`` for table cells."""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def date_text(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def place_and_date(value: date | datetime | None, *, place: str | None = None) -> str:
    """``Long An, ngày 23 tháng 11 năm 2026`` — the place and date line under the national motto."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    place = place if place is not None else settings.PORTAL_PROVINCE
    return _("%(place)s, ngày %(d)02d tháng %(m)02d năm %(y)d") % {
        "place": place,
        "d": value.day,
        "m": value.month,
        "y": value.year,
    }


def duration_text(value: Decimal | int | float | None, unit_label: str) -> str:
    """``05 ngày làm việc``, ``4 giờ làm việc``, ``2,5 ngày làm việc`` (Vietnamese decimal comma)."""
    if value is None:
        return ""
    number = Decimal(value)
    whole = number == number.to_integral_value()
    text = f"{int(number):02d}" if whole else f"{number.normalize()}".replace(".", ",")
    return f"{text} {unit_label}"


def fold(text: str) -> str:
    """Vietnamese without diacritics (Đ → D), for symbols that must stay ASCII."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def agency_symbol(agency: Agency) -> str:
    """The agency's abbreviation used in slip numbers (…/PBS-STP): its short name, or the initials of its name
    before the place part, e.g. "Trung tâm Phục vụ hành chính công tỉnh Long An" → ``TTPVHCC``."""
    if agency.short_name.strip():
        return fold(agency.short_name).upper().replace(" ", "")
    name = agency.name
    # A place word at the very start ("Xã Phước Lý") is the title itself, so the search starts after it.
    place = _PLACE.search(f"{name} ", 1)
    head = name[: place.start()] if place else name
    words = [w for w in head.replace("–", " ").replace("-", " ").split() if w[:1].isalpha()]
    return fold("".join(w[0] for w in words)).upper() or fold(agency.code)


def upper(text: str) -> str:
    return text.upper() if text else ""
