"""The working-calendar decisions for civil servants 2025–2027, as data, and their loader.

Each year the government fixes which five days of Tết are off, which day next to 2/9 is off, and swaps isolated
working days for a weekend day (Labour Code 2019 art 112.3; "hoán đổi ngày làm việc"). The ``holidays`` package
(``portal.workdays`` reads it) already knows most of these decisions, both halves of its swaps included; this module
lists the decisions themselves, with their legal basis and the date they were taken, and
:func:`load_decreed_overrides` stores as ``CalendarOverride`` rows only those the package does not already give, so
that the calendar is right whatever version of the package is installed, and the administrator sees where the
extra days come from.

Sources: research/regulations.md §5 (TB 9441/TB-BNV of 16/10/2025, CV 8726/VPCP-KGVX) and the references of the
``holidays`` package (``VietnamStaticHolidays``). Not verified against the original texts: the dates of Thông báo
6150/TB-LĐTBXH and of Công văn 12729/VPCP-KGVX (given as the latest date they can have been taken), and Nghị quyết
28/2026/QH16 as the basis of 24/11. **2027:** no decision had been published when this was written (11/2026): the
package's rule-based dates apply (Tết 04–10/02, 30/4, 1/5 with 3/5, 2–3/9, 24/11); add the 2027 notice here when it
comes out (usually October–November of the year before) and run ``seed_demo`` (or this loader) again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from portal.models import CalendarOverride
from portal.workdays import WorkingCalendar

DAY_OFF = CalendarOverride.Kind.DAY_OFF
WORKING_DAY = CalendarOverride.Kind.WORKING_DAY


@dataclass(frozen=True)
class DecreedDay:
    """One day fixed by a decision: an extra day off or a compensatory working day."""

    day: date
    kind: str
    name: str
    legal_basis: str
    decided_on: date  # the date of the decision: CalendarOverride.effective_from


_TB_6150 = "Thông báo 6150/TB-LĐTBXH ngày 08/11/2024 của Bộ Lao động – Thương binh và Xã hội"
_CV_8726 = "Công văn 8726/VPCP-KGVX của Văn phòng Chính phủ; " + _TB_6150
_TB_9441 = "Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ"
_CV_12729 = "Công văn 12729/VPCP-KGVX của Văn phòng Chính phủ (hoán đổi ngày làm việc dịp Tết Dương lịch 2026)"
_NQ_28 = "Nghị quyết 28/2026/QH16, Điều 2 (Ngày Văn hóa Việt Nam, hiệu lực từ 01/7/2026)"

DECREES: tuple[DecreedDay, ...] = (
    # 2025 — Tết Ất Tỵ: five weekdays from 28 tháng Chạp to mùng 3, 25/01–02/02 with the weekends.
    DecreedDay(date(2025, 1, 27), DAY_OFF, "Nghỉ Tết Nguyên Đán Ất Tỵ", _TB_6150, date(2024, 11, 8)),
    DecreedDay(date(2025, 1, 28), DAY_OFF, "Nghỉ Tết Nguyên Đán Ất Tỵ (Giao thừa)", _TB_6150, date(2024, 11, 8)),
    DecreedDay(date(2025, 1, 29), DAY_OFF, "Nghỉ Tết Nguyên Đán Ất Tỵ (Mùng một)", _TB_6150, date(2024, 11, 8)),
    DecreedDay(date(2025, 1, 30), DAY_OFF, "Nghỉ Tết Nguyên Đán Ất Tỵ (Mùng hai)", _TB_6150, date(2024, 11, 8)),
    DecreedDay(date(2025, 1, 31), DAY_OFF, "Nghỉ Tết Nguyên Đán Ất Tỵ (Mùng ba)", _TB_6150, date(2024, 11, 8)),
    # 2025 — 30/4–1/5: Friday 2/5 off, worked on Saturday 26/4.
    DecreedDay(
        date(2025, 5, 2), DAY_OFF, "Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 26/4/2025)", _CV_8726, date(2024, 11, 8)
    ),
    DecreedDay(date(2025, 4, 26), WORKING_DAY, "Làm việc bù cho ngày nghỉ 02/5/2025", _CV_8726, date(2024, 11, 8)),
    # 2025 — National Day: the adjacent day is Monday 1/9.
    DecreedDay(date(2025, 9, 1), DAY_OFF, "Nghỉ Quốc khánh (ngày liền kề 2/9)", _TB_6150, date(2024, 11, 8)),
    # 2026 — New Year: Friday 2/1 off, worked on Saturday 10/1.
    DecreedDay(
        date(2026, 1, 2),
        DAY_OFF,
        "Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01/2026)",
        _CV_12729,
        date(2025, 12, 31),
    ),
    DecreedDay(date(2026, 1, 10), WORKING_DAY, "Làm việc bù cho ngày nghỉ 02/01/2026", _CV_12729, date(2025, 12, 31)),
    # 2026 — Tết Bính Ngọ: 16–20/02 (29 tháng Chạp to mùng 4), 14–22/02 with the weekends.
    DecreedDay(
        date(2026, 2, 16), DAY_OFF, "Nghỉ Tết Nguyên Đán Bính Ngọ (29 tháng Chạp)", _TB_9441, date(2025, 10, 16)
    ),
    DecreedDay(date(2026, 2, 17), DAY_OFF, "Nghỉ Tết Nguyên Đán Bính Ngọ (Mùng một)", _TB_9441, date(2025, 10, 16)),
    DecreedDay(date(2026, 2, 18), DAY_OFF, "Nghỉ Tết Nguyên Đán Bính Ngọ (Mùng hai)", _TB_9441, date(2025, 10, 16)),
    DecreedDay(date(2026, 2, 19), DAY_OFF, "Nghỉ Tết Nguyên Đán Bính Ngọ (Mùng ba)", _TB_9441, date(2025, 10, 16)),
    DecreedDay(date(2026, 2, 20), DAY_OFF, "Nghỉ Tết Nguyên Đán Bính Ngọ (Mùng bốn)", _TB_9441, date(2025, 10, 16)),
    # 2026 — National Day: 1/9 adjacent; Monday 31/8 off, worked on Saturday 22/8.
    DecreedDay(
        date(2026, 8, 31),
        DAY_OFF,
        "Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/8/2026)",
        _TB_9441,
        date(2025, 10, 16),
    ),
    DecreedDay(date(2026, 8, 22), WORKING_DAY, "Làm việc bù cho ngày nghỉ 31/8/2026", _TB_9441, date(2025, 10, 16)),
    DecreedDay(date(2026, 9, 1), DAY_OFF, "Nghỉ Quốc khánh (ngày liền kề 2/9)", _TB_9441, date(2025, 10, 16)),
    # 2026 — Vietnam Culture Day, a public holiday from 2026.
    DecreedDay(date(2026, 11, 24), DAY_OFF, "Ngày Văn hóa Việt Nam", _NQ_28, date(2026, 7, 1)),
)


def known_to_package(decree: DecreedDay, calendar: WorkingCalendar | None = None) -> bool:
    """Whether the ``holidays`` package alone already gives the day the decreed status."""
    calendar = calendar or WorkingCalendar()
    working = calendar.is_working_day(decree.day)
    return working if decree.kind == WORKING_DAY else not working


def load_decreed_overrides(
    log: Callable[[str], None] = print, *, decrees: Iterable[DecreedDay] = DECREES
) -> list[CalendarOverride]:
    """Store, province-wide, the decreed days the ``holidays`` package lacks; idempotent.

    A date that already has a province-wide override is left as the administrator set it (a different kind is
    reported, not overwritten). Returns the rows created.
    """
    package_only = WorkingCalendar()
    created: list[CalendarOverride] = []
    with transaction.atomic():
        for decree in decrees:
            label = f"{decree.day:%d/%m/%Y} — {decree.name}"
            if known_to_package(decree, package_only):
                info = package_only.day_info(decree.day)
                log(f"Lịch làm việc: {label}: đã có trong thư viện holidays ({info.reason or 'ngày làm việc'}).")
                continue
            existing = CalendarOverride.objects.filter(date=decree.day, agency__isnull=True).first()
            if existing is not None:
                if existing.kind != decree.kind:
                    log(
                        f"Lịch làm việc: {label}: đã có điều chỉnh khác ({existing.get_kind_display()}) do quản trị "
                        "viên nhập — giữ nguyên."
                    )
                continue
            created.append(
                CalendarOverride.objects.create(
                    date=decree.day,
                    kind=decree.kind,
                    name=decree.name,
                    legal_basis=decree.legal_basis,
                    effective_from=decree.decided_on,
                    agency=None,
                )
            )
            log(f"Lịch làm việc: thêm {label} ({decree.legal_basis}).")
    log(f"Lịch làm việc: đã thêm {len(created)} ngày theo quyết định (các ngày khác đã có sẵn).")
    return created
