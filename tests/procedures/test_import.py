"""manage.py import_procedures: a documented CSV/JSON format close to the national database export; bad rows named
by number and reason; all or nothing; importing the same file again changes nothing (issue 3, "Import")."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from procedures import importing, services
from procedures.importing import CSV_COLUMNS, ImportFailed
from procedures.models import Component, Procedure, ProcedureVersion, Sector

pytestmark = pytest.mark.django_db

HEADER = list(CSV_COLUMNS)
SECTORS = [("HT", "Hộ tịch"), ("CT", "Chứng thực"), ("DKKD", "Đăng ký kinh doanh"), ("XD", "Hoạt động xây dựng")]
LEVELS = ["Cấp tỉnh", "Cấp xã"]
SCHEMA = json.dumps(
    {"fields": [{"name": "ho_ten", "type": "text", "label": "Họ và tên", "required": True}]}, ensure_ascii=False
)


def row(n: int, **overrides) -> dict[str, str]:
    """Row number n of a generated catalogue: levels 1–4, two administrative levels, four sectors."""
    level = n % 4 + 1
    sector_code, sector_name = SECTORS[n % len(SECTORS)]
    province = n % 2 == 0
    data = {
        "Mã thủ tục": f"9.{n:06d}",
        "Tên thủ tục": f"Thủ tục thử nghiệm số {n} về {sector_name.lower()}",
        "Mã lĩnh vực": sector_code,
        "Tên lĩnh vực": sector_name,
        "Cấp thực hiện": LEVELS[0] if province else LEVELS[1],
        "Mức độ": str(level),
        "Cơ quan thực hiện": "000.00.04.H41" if province else "001.00.00.H41",
        "Nơi tiếp nhận": "000.00.01.H41" if province else "001.01.00.H41; 002.01.00.H41",
        "Thời hạn giải quyết": f"{n % 20 + 1} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
        "Phí, lệ phí": "Lệ phí: 50.000 đồng (mỗi hồ sơ)\nPhí thẩm định: 100.000 đồng" if level == 3 else "Không",
        "Thành phần hồ sơ": "Tờ khai; bản chính: 1; bản sao: 0\nBản sao căn cước; bản sao: 1; không bắt buộc"
        if level >= 2
        else "",
        "Trình tự thực hiện": "Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.",
        "Căn cứ pháp lý": "Nghị định số 61/2018/NĐ-CP.",
        "Ngày hiệu lực": "01/07/2025",
        "Quy trình nội bộ": "Tiếp nhận; Bộ phận một cửa; ; 10\nThẩm định; Chuyên viên; ; 70\nPhê duyệt; Lãnh đạo; ; 20",
        "Biểu mẫu điện tử": SCHEMA if level >= 3 else "",
    }
    data.update(overrides)
    return data


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path: Path) -> str:
    out = StringIO()
    call_command("import_procedures", str(path), stdout=out)
    return out.getvalue()


def test_a_generated_catalogue_of_2600_procedures_imports(agencies, tmp_path):
    path = write_csv(tmp_path / "tthc.csv", [row(n) for n in range(1, 2601)])
    assert "2600 thủ tục mới" in run(path)
    assert Procedure.objects.published().count() == 2600
    assert ProcedureVersion.objects.count() == 2600
    assert Component.objects.count() == 1950 * 2
    levels = dict(Procedure.objects.values_list("service_level").annotate(n=Count("pk")))
    assert levels == {1: 650, 2: 650, 3: 650, 4: 650}
    version = Procedure.objects.get(code="9.000002").current_version
    assert version.fees == [
        {"label": "Lệ phí", "amount": 50000, "note": "mỗi hồ sơ"},
        {"label": "Phí thẩm định", "amount": 100000},
    ]
    assert (version.processing_time_value, version.processing_time_unit) == (3, "working_days")
    assert [
        a.code for a in Procedure.objects.get(code="9.000001").current_version.receiving_agencies.order_by("code")
    ] == [
        "001.01.00.H41",
        "002.01.00.H41",
    ]
    # importing the very same file again changes nothing
    assert "0 thủ tục mới, 0 thủ tục có phiên bản mới, 2600 thủ tục không đổi" in run(path)
    assert ProcedureVersion.objects.count() == 2600


def test_one_bad_row_imports_nothing_and_names_the_row(agencies, tmp_path):
    rows = [row(n) for n in range(1, 11)]
    rows[6] = row(7, **{"Cơ quan thực hiện": "999.99.99.H41"})  # the 7th data row is line 8 of the file
    path = write_csv(tmp_path / "tthc.csv", rows)
    err = StringIO()
    with pytest.raises(CommandError, match="1 dòng có lỗi, chưa có thủ tục nào được ghi"):
        call_command("import_procedures", str(path), stderr=err)
    assert "Dòng 8 (9.000007): Cơ quan thực hiện “999.99.99.H41” không có trong danh mục cơ quan." in err.getvalue()
    assert not Procedure.objects.exists()
    assert not Sector.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"Tên thủ tục": ""}, "Thiếu tên thủ tục."),
        ({"Mức độ": "5"}, "Mức độ “5” không hợp lệ"),
        ({"Cấp thực hiện": "Cấp bộ"}, "Cấp thực hiện “Cấp bộ” không hợp lệ"),
        ({"Thời hạn giải quyết": "vài hôm"}, "phải bắt đầu bằng một số"),
        ({"Thời hạn giải quyết": "3 tuần"}, "Đơn vị thời hạn “tuần” không hợp lệ"),
        ({"Phí, lệ phí": "Lệ phí năm mươi nghìn"}, "cần dạng “Tên khoản: số tiền”"),
        ({"Mức độ": "3", "Biểu mẫu điện tử": ""}, "cần có biểu mẫu điện tử"),
        ({"Mức độ": "3", "Biểu mẫu điện tử": "{oops"}, "Biểu mẫu điện tử không phải JSON hợp lệ"),
        (
            {
                "Mức độ": "3",
                "Biểu mẫu điện tử": '{"fields": [{"name": "d", "type": "date", "label": "D", "pattern": "x"}]}',
            },
            "Trường 'd': kiểu 'ngày' không có quy tắc 'pattern'",
        ),
        ({"Quy trình nội bộ": "Tiếp nhận; Bộ phận một cửa; ; 10"}, "phải bằng 100% (hiện là 10%)"),
        ({"Quy trình nội bộ": "Tiếp nhận; Thủ trưởng; ; 100"}, "vai trò “Thủ trưởng” không hợp lệ"),
        ({"Thành phần hồ sơ": "Tờ khai; bản chính: nhiều"}, "“nhiều” phải là số nguyên"),
        ({"Thành phần hồ sơ": "Tờ khai; mẫu: mau/to-khai.exe"}, "Tệp mẫu “mau/to-khai.exe” phải là"),
        ({"Thành phần hồ sơ": "Tờ khai; mẫu: khong-co.docx"}, "Không tìm thấy tệp mẫu “khong-co.docx”"),
        ({"Ngày hiệu lực": "31/02/2025"}, "Ngày hiệu lực “31/02/2025” không đọc được"),
        ({"Mã lĩnh vực": "MOI", "Tên lĩnh vực": ""}, "Lĩnh vực “MOI” chưa có trong danh mục"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_each_bad_row_gives_its_reason(agencies, overrides, reason):
    source = importing.Source(rows=[(2, row(2)), (3, row(4, **overrides))])
    source.rows = [(n, {CSV_COLUMNS[k]: v for k, v in r.items() if v}) for n, r in source.rows]
    with pytest.raises(ImportFailed) as failed:
        importing.import_source(source)
    assert [p.row for p in failed.value.report.problems] == [3]
    assert reason in failed.value.report.problems[0].message, failed.value.report.problems[0].message


def test_every_bad_row_is_reported_at_once(agencies, tmp_path):
    rows = [row(1), row(2, **{"Mức độ": "9"}), row(3), row(4, **{"Mã thủ tục": "9.000001"})]
    with pytest.raises(ImportFailed) as failed:
        importing.import_file(write_csv(tmp_path / "t.csv", rows))
    assert [str(p) for p in failed.value.report.problems] == [
        "Dòng 3 (9.000002): Mức độ “9” không hợp lệ (1, 2, 3, 4, “toàn trình” hoặc “một phần”).",
        "Dòng 5 (9.000001): Mã thủ tục đã xuất hiện ở dòng 2.",
    ]


def test_unknown_columns_are_refused_before_any_row(agencies, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Mã thủ tục,Tên thủ tục,Màu sắc\n1.1,A,đỏ\n", encoding="utf-8")
    with pytest.raises(CommandError, match="không hiểu các cột “Màu sắc”"):
        run(path)


def test_changed_content_publishes_a_new_version_with_its_effective_date(agencies, tmp_path):
    run(write_csv(tmp_path / "a.csv", [row(2), row(4)]))
    changed = [row(2, **{"Thời hạn giải quyết": "1 ngày làm việc", "Ngày hiệu lực": "01/01/2026"}), row(4)]
    assert "0 thủ tục mới, 1 thủ tục có phiên bản mới, 1 thủ tục không đổi" in run(
        write_csv(tmp_path / "b.csv", changed)
    )
    procedure = Procedure.objects.get(code="9.000002")
    assert list(procedure.versions.order_by("number").values_list("number", "processing_time_value")) == [
        (1, 3),
        (2, 1),
    ]
    from datetime import date

    assert services.version_in_force(procedure, date(2025, 12, 31)).number == 1
    assert services.version_in_force(procedure, date(2026, 1, 1)).number == 2


def test_a_change_without_a_later_effective_date_is_refused(agencies, tmp_path):
    run(write_csv(tmp_path / "a.csv", [row(2)]))
    with pytest.raises(CommandError):
        run(write_csv(tmp_path / "b.csv", [row(2, **{"Tên thủ tục": "Tên mới"})]))
    assert Procedure.objects.get(code="9.000002").versions.count() == 1


def test_json_format_with_templates_and_document_kinds(agencies, tmp_path):
    (tmp_path / "mau").mkdir()
    (tmp_path / "mau" / "to-khai.docx").write_bytes(b"PK\x03\x04 docx")
    data = {
        "format": "motcua-procedures/1",
        "sectors": [{"code": "HT", "name": "Hộ tịch"}],
        "document_kinds": [{"code": "cccd", "name": "Căn cước"}],
        "procedures": [
            {
                "code": "1.001193",
                "name": "Đăng ký khai sinh",
                "sector": {"code": "HT"},
                "administrative_level": "commune",
                "service_level": 4,
                "competent_agency": "001.00.00.H41",
                "receiving_agencies": ["001.01.00.H41"],
                "processing_time": {"value": 1, "unit": "working_days"},
                "fees": [],
                "components": [
                    {
                        "name": "Tờ khai",
                        "originals": 1,
                        "copies": 0,
                        "template": "mau/to-khai.docx",
                        "template_label": "Tờ khai",
                    },
                    {"name": "Căn cước", "document_kinds": ["cccd"], "required": False},
                ],
                "route_steps": [{"name": "Xử lý", "role": "specialist", "share_percent": 100}],
                "eform_schema": json.loads(SCHEMA),
                "effective_from": "2025-07-01",
                "required_assurance_level": 2,
            }
        ],
    }
    path = tmp_path / "tthc.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "1 thủ tục mới" in run(path)
    version = Procedure.objects.get(code="1.001193").current_version
    template, store = version.components.all()
    assert template.template_file.read() == b"PK\x03\x04 docx"
    assert [k.code for k in store.document_kinds.all()] == ["cccd"] and store.required is False
    assert version.required_assurance_level == 2
    assert "0 thủ tục mới" in run(path)  # unchanged, template file included
    (tmp_path / "mau" / "to-khai.docx").write_bytes(b"PK\x03\x04 new docx")
    data["procedures"][0]["effective_from"] = "2026-01-01"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "1 thủ tục có phiên bản mới" in run(path)  # a new template is new content


def test_templates_are_never_read_outside_the_import_folder(agencies, tmp_path):
    (tmp_path / "secret.docx").write_bytes(b"secret")
    folder = tmp_path / "import"
    folder.mkdir()
    path = write_csv(folder / "t.csv", [row(2, **{"Thành phần hồ sơ": "Tờ khai; mẫu: ../secret.docx"})])
    with pytest.raises(ImportFailed) as failed:
        importing.import_file(path)
    assert "Không tìm thấy tệp mẫu “../secret.docx”" in failed.value.report.problems[0].message


def test_a_procedure_with_a_pending_draft_is_not_overwritten(agencies, tmp_path, make_draft):
    run(write_csv(tmp_path / "a.csv", [row(2)]))
    services.procedure_start_revision(procedure=Procedure.objects.get(code="9.000002"), by=None)
    with pytest.raises(ImportFailed) as failed:
        importing.import_file(
            write_csv(tmp_path / "b.csv", [row(2, **{"Tên thủ tục": "Khác", "Ngày hiệu lực": "01/01/2026"})])
        )
    assert "đang có bản nháp chưa công bố" in failed.value.report.problems[0].message
