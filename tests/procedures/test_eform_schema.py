"""validate_schema: every problem named with the field and what to change (issue 3: "errors a non-programmer can
act on"), so an administrator fixes the schema without a programmer."""

from __future__ import annotations

import pytest

from procedures.eform import FIELD_TYPES, validate_schema
from procedures.seed import procedures

VALID = {
    "title": {"vi": "Tờ khai", "en": "Form"},
    "fields": [
        {"name": "ho_ten", "type": "text", "label": "Họ và tên", "required": True, "max_length": 100},
        {"name": "ngay_sinh", "type": "date", "label": "Ngày sinh", "max_date": "today", "min_date": "1900-01-01"},
        {"name": "gioi_tinh", "type": "choice", "label": "Giới tính", "choices": ["Nam", "Nữ"]},
        {"name": "dia_chi", "type": "address", "label": "Địa chỉ", "street": "required"},
        {
            "name": "thanh_vien",
            "type": "group",
            "label": "Thành viên",
            "min_items": 1,
            "max_items": 3,
            "fields": [{"name": "ho_ten", "type": "text", "label": "Họ tên"}],
        },
    ],
}


def with_field(**field) -> dict:
    return {"fields": [{"name": "truong", "label": "Trường", **field}]}


def test_a_valid_schema_has_no_problem():
    assert validate_schema(VALID) == []


@pytest.mark.parametrize("code", [p["code"] for p in procedures() if p.get("eform_schema")])
def test_every_demo_e_form_is_valid(code):
    schema = next(p for p in procedures() if p["code"] == code)["eform_schema"]
    assert validate_schema(schema) == []


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param(
            {"fields": [{"name": "ngay_sinh", "type": "date", "label": "Ngày sinh", "min_length": 3}]},
            "Trường 'ngay_sinh': kiểu 'ngày' không có quy tắc 'min_length'",
            id="rule-of-another-type",
        ),
        pytest.param(with_field(type="datum"), "Trường 'truong': kiểu 'datum' không có", id="unknown-type"),
        pytest.param(
            {"fields": [{"name": "Họ tên", "type": "text", "label": "x"}]}, "tên 'Họ tên' không hợp lệ", id="bad-name"
        ),
        pytest.param({"fields": [{"name": "x", "type": "text"}]}, "Trường 'x': cần có nhãn (label)", id="no-label"),
        pytest.param(
            with_field(type="text", label={"en": "Name"}), "cần có bản tiếng Việt (vi)", id="label-without-vi"
        ),
        pytest.param(
            with_field(type="text", min_length=10, max_length=5),
            "độ dài tối thiểu (10) lớn hơn độ dài tối đa (5)",
            id="min-length-above-max",
        ),
        pytest.param(with_field(type="text", pattern="([a-z"), "không phải biểu thức chính quy hợp lệ", id="bad-regex"),
        pytest.param(
            with_field(type="number", min=10, max=1),
            "giá trị nhỏ nhất (10) lớn hơn giá trị lớn nhất (1)",
            id="min-above-max",
        ),
        pytest.param(with_field(type="number", max="nhiều"), "'max' phải là một số", id="max-not-a-number"),
        pytest.param(
            with_field(type="date", max_date="hôm nay"), "'max_date' = 'hôm nay' không đọc được", id="bad-date-bound"
        ),
        pytest.param(
            with_field(type="date", min_date="2026-12-31", max_date="2026-01-01"),
            "ngày sớm nhất đứng sau ngày muộn nhất",
            id="date-bounds-reversed",
        ),
        pytest.param(with_field(type="choice"), "cần danh sách 'choices'", id="choice-without-choices"),
        pytest.param(with_field(type="choice", choices=["a", "a"]), "lựa chọn 'a' bị trùng", id="duplicate-choice"),
        pytest.param(
            with_field(type="choice", choices=["a"], widget="slider"),
            "'widget' phải là 'radio' hoặc 'select'",
            id="bad-widget",
        ),
        pytest.param(with_field(type="address", street="maybe"), "'street' (số nhà, đường)", id="bad-street-mode"),
        pytest.param(with_field(type="group"), "nhóm lặp lại cần có danh sách trường con", id="group-without-fields"),
        pytest.param(
            with_field(type="group", fields=[{"name": "g", "type": "group", "label": "G", "fields": []}]),
            "không thể đặt một nhóm lặp lại bên trong nhóm khác",
            id="nested-group",
        ),
        pytest.param(
            with_field(type="group", min_items=3, max_items=2, fields=[{"name": "a", "type": "text", "label": "A"}]),
            "số dòng tối thiểu (3) lớn hơn số dòng tối đa (2)",
            id="min-items-above-max",
        ),
        pytest.param(
            with_field(type="group", fields=[{"name": "a", "type": "text", "label": "A", "max_items": 2}]),
            "Trường 'truong.a': kiểu 'văn bản' không có quy tắc 'max_items'",
            id="child-path-named",
        ),
        pytest.param(with_field(type="text", prefill="mat_khau"), "'prefill' phải là một trong", id="unknown-prefill"),
        pytest.param({"fields": []}, "ít nhất một trường", id="no-fields"),
        pytest.param(
            {"fields": [{"name": "a", "type": "text", "label": "A"}] * 2},
            "Trường 'a' bị trùng tên",
            id="duplicate-name",
        ),
        pytest.param(
            {"fields": [{"name": "a", "type": "text", "label": "A"}], "layout": 2},
            "mục 'layout' không dùng được",
            id="unknown-top-level",
        ),
        pytest.param([], "phải là một đối tượng JSON", id="not-an-object"),
    ],
)
def test_each_problem_is_named_in_words(schema, expected):
    problems = validate_schema(schema)
    assert any(expected in problem for problem in problems), problems


def test_all_problems_are_reported_at_once():
    schema = {
        "fields": [
            {"name": "a", "type": "date", "label": "A", "max_length": 3},
            {"name": "b", "type": "number", "label": "B", "min": 5, "max": 1},
            {"name": "c", "type": "choice", "label": "C"},
        ]
    }
    assert len(validate_schema(schema)) == 3


def test_every_type_has_a_vietnamese_name_for_messages():
    assert all(not t.label.isascii() for t in FIELD_TYPES.values())
