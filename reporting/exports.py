"""Every statistics table as CSV (UTF-8 with BOM, so spreadsheet programs read Vietnamese) or XLSX (openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting import stats
from reporting.selectors import StatRow

COLUMN_LABELS = {
    "key": gettext_lazy("Mã"),
    "name": gettext_lazy("Tên"),
    "received": gettext_lazy("Tiếp nhận trong kỳ"),
    "carried_over": gettext_lazy("Kỳ trước chuyển qua"),
    "resolved": gettext_lazy("Đã giải quyết"),
    "resolved_early": gettext_lazy("Trước hạn"),
    "resolved_on_time": gettext_lazy("Đúng hạn"),
    "resolved_late": gettext_lazy("Trễ hạn"),
    "pending": gettext_lazy("Đang giải quyết"),
    "pending_overdue": gettext_lazy("Đang giải quyết quá hạn"),
    "resolution_rate": gettext_lazy("Tỷ lệ giải quyết"),
    "on_time_rate": gettext_lazy("Tỷ lệ đúng hạn"),
    "received_in_person": gettext_lazy("Nộp trực tiếp"),
    "received_online": gettext_lazy("Nộp trực tuyến"),
    "received_postal": gettext_lazy("Nộp qua bưu chính"),
    "returned_postal": gettext_lazy("Trả qua bưu chính"),
    "online_share": gettext_lazy("Tỷ lệ trực tuyến"),
}
COLUMNS = ("key", "name", *stats.FIGURE_FIELDS)


# A spreadsheet runs a cell that begins with one of these as a formula. Names come from imported catalogues and
# agency lists: exported text must stay text (CSV: a leading apostrophe, as OWASP advises; XLSX: a string cell).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cells(row: StatRow) -> list:
    data = row.as_dict()
    return [data[c] for c in COLUMNS]


def _csv_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: Sequence[StatRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(COLUMN_LABELS[c]) for c in COLUMNS])
    for row in rows:
        writer.writerow(
            ["" if v is None else (round(v, 6) if isinstance(v, float) else _csv_text(v)) for v in _cells(row)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: Sequence[StatRow], *, title: str, subtitle: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Thống kê")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([subtitle])
    sheet.append([])
    header_row = 4
    sheet.append([str(COLUMN_LABELS[c]) for c in COLUMNS])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(_cells(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store a text beginning with "=" as a formula
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 40 if column == "name" else (22 if column == "key" else 14)
        if column in stats.RATE_FIELDS:
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.number_format = "0.0%"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
