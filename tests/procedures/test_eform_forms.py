"""The e-form engine: the HTML form and the JSON path apply the same rules; groups and address pickers work
without JavaScript; CCCD and phone numbers are checked by the accounts' validators."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.http import QueryDict

from portal import clock
from procedures.eform import answers, build_form, clean_data, initial_for_user
from tests.factories import CitizenFactory

# A valid CCCD: province 080 (Long An / Tây Ninh), century digit 0 (born 19xx, male), year 90.
CCCD = "080090001234"
TAY_NINH, TAN_AN_WARD = "80", None

SCHEMA = {
    "title": {"vi": "Tờ khai thử", "en": "Test form"},
    "fields": [
        {
            "name": "ho_ten",
            "type": "text",
            "label": {"vi": "Họ và tên", "en": "Full name"},
            "required": True,
            "max_length": 20,
            "prefill": "full_name",
        },
        {"name": "so_dinh_danh", "type": "cccd", "label": "Số định danh", "required": True, "prefill": "citizen_id"},
        {"name": "dien_thoai", "type": "phone", "label": "Điện thoại", "prefill": "phone"},
        {"name": "email", "type": "email", "label": "Thư điện tử"},
        {"name": "ngay_sinh", "type": "date", "label": "Ngày sinh", "required": True, "max_date": "today"},
        {"name": "so_tang", "type": "number", "label": "Số tầng", "min": 1, "max": 5},
        {"name": "dien_tich", "type": "number", "label": "Diện tích", "decimals": 1, "unit": "m²"},
        {
            "name": "gioi_tinh",
            "type": "choice",
            "label": "Giới tính",
            "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}],
        },
        {"name": "linh_vuc", "type": "choice", "label": "Lĩnh vực", "multiple": True, "choices": ["a", "b", "c"]},
        {
            "name": "ma_so",
            "type": "text",
            "label": "Mã số",
            "pattern": r"^\d{6}$",
            "pattern_message": "Mã số gồm 6 chữ số.",
        },
        {
            "name": "noi_cu_tru",
            "type": "address",
            "label": "Nơi cư trú",
            "required": True,
            "street": "required",
            "prefill": "address",
        },
        {
            "name": "thanh_vien",
            "type": "group",
            "label": "Thành viên",
            "item_label": "Thành viên",
            "min_items": 1,
            "max_items": 3,
            "fields": [
                {"name": "ho_ten", "type": "text", "label": "Họ tên", "required": True},
                {"name": "ngay_sinh", "type": "date", "label": "Ngày sinh"},
            ],
        },
        {"name": "cam_doan", "type": "boolean", "label": "Tôi cam đoan", "required": True},
    ],
}


@pytest.fixture
def ward():
    from procedures import divisions

    return divisions.communes_of(TAY_NINH)[0]


def valid_answers(ward) -> dict:
    return {
        "ho_ten": "Nguyễn Văn An",
        "so_dinh_danh": CCCD,
        "dien_thoai": "+84 912 345 678",
        "email": "An@Example.VN",
        "ngay_sinh": "1990-05-01",
        "so_tang": 3,
        "dien_tich": "72.5",
        "gioi_tinh": "nam",
        "linh_vuc": ["a", "c"],
        "ma_so": "123456",
        "noi_cu_tru": {"province": TAY_NINH, "commune": ward.code, "street": "12 Nguyễn Huệ"},
        "thanh_vien": [{"ho_ten": "Trần Thị Bình", "ngay_sinh": "1992-02-03"}],
        "cam_doan": True,
    }


def post_data(ward, **changes) -> QueryDict:
    """What a browser sends for valid answers (the HTML path)."""
    data = QueryDict(mutable=True)
    data.update(
        {
            "ho_ten": "Nguyễn Văn An",
            "so_dinh_danh": CCCD,
            "dien_thoai": "+84 912 345 678",
            "email": "An@Example.VN",
            "ngay_sinh": "1990-05-01",
            "so_tang": "3",
            "dien_tich": "72.5",
            "gioi_tinh": "nam",
            "ma_so": "123456",
            "noi_cu_tru_province": TAY_NINH,
            "noi_cu_tru_commune": ward.code,
            "noi_cu_tru_street": "12 Nguyễn Huệ",
            "thanh_vien-TOTAL_FORMS": "1",
            "thanh_vien-INITIAL_FORMS": "0",
            "thanh_vien-0-ho_ten": "Trần Thị Bình",
            "thanh_vien-0-ngay_sinh": "1992-02-03",
            "cam_doan": "on",
        }
    )
    data.setlist("linh_vuc", ["a", "c"])
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


EXPECTED = {
    "ho_ten": "Nguyễn Văn An",
    "so_dinh_danh": CCCD,
    "dien_thoai": "0912345678",
    "email": "an@example.vn",
    "ngay_sinh": "1990-05-01",
    "so_tang": 3,
    "dien_tich": "72.5",
    "gioi_tinh": "nam",
    "linh_vuc": ["a", "c"],
    "ma_so": "123456",
    "cam_doan": True,
}


def test_html_path_cleans_to_json_ready_answers(ward):
    form = build_form(SCHEMA, data=post_data(ward))
    assert form.is_valid(), form.errors_by_path()
    cleaned = form.cleaned_json()
    assert {k: cleaned[k] for k in EXPECTED} == EXPECTED
    assert cleaned["noi_cu_tru"] == {
        "province": "80",
        "province_name": "Tây Ninh",
        "commune": ward.code,
        "commune_name": ward.name,
        "street": "12 Nguyễn Huệ",
    }
    assert cleaned["thanh_vien"] == [{"ho_ten": "Trần Thị Bình", "ngay_sinh": "1992-02-03"}]


def test_api_path_gives_exactly_what_the_html_path_gives(ward):
    html = build_form(SCHEMA, data=post_data(ward))
    assert html.is_valid()
    cleaned, errors = clean_data(SCHEMA, valid_answers(ward))
    assert errors == {}
    assert cleaned == html.cleaned_json()


def test_stored_answers_validate_again_unchanged(ward):
    """What a dossier stores can be sent back through the API path (e.g. a draft resumed by a partner)."""
    cleaned, _ = clean_data(SCHEMA, valid_answers(ward))
    again, errors = clean_data(SCHEMA, cleaned)
    assert errors == {}
    assert again == cleaned


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"ho_ten": ""}, "ho_ten", "Vui lòng nhập “Họ và tên”."),
        ({"ho_ten": "x" * 21}, "ho_ten", "“Họ và tên” dài tối đa 20 ký tự."),
        ({"so_dinh_danh": "12345"}, "so_dinh_danh", "phải gồm đúng 12 chữ số"),
        ({"so_dinh_danh": "999090001234"}, "so_dinh_danh", "mã tỉnh nơi đăng ký khai sinh"),
        ({"dien_thoai": "0123"}, "dien_thoai", "Số điện thoại di động không hợp lệ"),
        ({"email": "khong-phai-email"}, "email", "“Thư điện tử”: địa chỉ thư điện tử không hợp lệ."),
        ({"ngay_sinh": "2999-01-01"}, "ngay_sinh", "Ngày không được sau hôm nay"),
        ({"so_tang": 9}, "so_tang", "“Số tầng” không được lớn hơn 5."),
        ({"dien_tich": "72.55"}, "dien_tich", "Chỉ ghi tối đa 1 chữ số thập phân."),
        ({"gioi_tinh": "khac"}, "gioi_tinh", "Giá trị “khac” không có trong các lựa chọn của “Giới tính”."),
        ({"ma_so": "12ab"}, "ma_so", "Mã số gồm 6 chữ số."),
        ({"cam_doan": False}, "cam_doan", "Vui lòng đánh dấu “Tôi cam đoan”."),
        ({"noi_cu_tru": {"province": "80", "commune": "00004", "street": "1"}}, "noi_cu_tru", "không thuộc Tây Ninh"),
        ({"noi_cu_tru": {"province": "80", "street": "1"}}, "noi_cu_tru", "Chọn phường, xã thuộc Tây Ninh"),
        ({"noi_cu_tru": {"province": "99", "commune": "1"}}, "noi_cu_tru", "Chọn tỉnh, thành phố."),
        ({"thanh_vien": []}, "thanh_vien", "cần ít nhất 1 Thành viên"),
        ({"thanh_vien": [{"ho_ten": "A"}] * 4}, "thanh_vien", "nhiều nhất 3 dòng"),
        ({"thanh_vien": [{"ngay_sinh": "1990-01-01"}]}, "thanh_vien[0].ho_ten", "Vui lòng nhập “Họ tên”."),
        ({"la": "lạ"}, "la", "không có trong biểu mẫu"),
        ({"linh_vuc": "a"}, "linh_vuc", "danh sách các lựa chọn"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_api_path_names_each_error_by_its_json_path(ward, change, path, message):
    data = {**valid_answers(ward), **change}
    cleaned, errors = clean_data(SCHEMA, data)
    assert cleaned == {}
    assert any(message in m for m in errors.get(path, [])), errors


def test_labels_follow_the_language_with_vietnamese_fallback():
    assert build_form(SCHEMA, language="en").fields["ho_ten"].label == "Full name"
    assert build_form(SCHEMA, language="vi").fields["ho_ten"].label == "Họ và tên"
    assert build_form(SCHEMA, language="en").fields["so_dinh_danh"].label == "Số định danh"


def test_rendered_form_is_accessible(ward):
    form = build_form(SCHEMA, data=post_data(ward, ho_ten="", so_dinh_danh="1"))
    assert not form.is_valid()
    html = str(form)
    # error summary on top, each entry linking to its control
    summary = html[: html.index('class="eform"')]
    assert 'role="alert"' in summary
    assert 'href="#id_ho_ten"' in summary and "Vui lòng nhập “Họ và tên”." in summary
    # every control has a label, errors are tied to it for screen readers
    assert '<label for="id_ho_ten">' in html
    assert re.search(r'<input[^>]*aria-describedby="id_ho_ten_error"[^>]*id="id_ho_ten"', html) or re.search(
        r'<input[^>]*id="id_ho_ten"[^>]*aria-describedby="id_ho_ten_error"', html
    )
    assert 'aria-invalid="true"' in html
    assert '<ul class="field-error" id="id_ho_ten_error">' in html
    # kept values on error
    assert 'value="12 Nguyễn Huệ"' in html
    # radio and checkbox groups and the address sit in a fieldset with a legend
    assert "<legend>Giới tính" in html and "<legend>Nơi cư trú" in html


def test_address_picker_lists_the_communes_of_the_chosen_province_without_javascript(ward):
    form = build_form(SCHEMA, data=post_data(ward, noi_cu_tru_commune="", _eform_refresh="1"))
    assert not form.is_valid()  # a refresh is not a submission …
    html = str(form)
    assert "Biểu mẫu còn lỗi" not in html  # … and shows no error
    assert f'<option value="{ward.code}">{ward.name}</option>' in html
    assert "<noscript><button" in html  # the refresh button, for browsers without JavaScript
    assert 'hx-get="/thu-tuc/dia-gioi/xa/?field=noi_cu_tru_province"' in html  # htmx narrows it in place


def test_add_row_button_adds_a_row_without_javascript_and_keeps_answers(ward):
    form = build_form(SCHEMA, data=post_data(ward, _eform_add="thanh_vien"))
    assert not form.is_valid()
    assert form.layout_change == "add"
    assert form.error_summary() == []
    formset = form.groups["thanh_vien"]
    assert formset.total_form_count() == 2
    assert 'value="Trần Thị Bình"' in str(form)
    # the new empty row is dropped on the real submission
    submitted = post_data(ward, **{"thanh_vien-TOTAL_FORMS": "2"})
    form = build_form(SCHEMA, data=submitted)
    assert form.is_valid(), form.errors_by_path()
    assert len(form.cleaned_json()["thanh_vien"]) == 1


def test_a_row_marked_for_removal_is_dropped(ward):
    data = post_data(
        ward,
        **{"thanh_vien-TOTAL_FORMS": "2", "thanh_vien-1-ho_ten": "Lê C", "thanh_vien-0-DELETE": "on"},
    )
    form = build_form(SCHEMA, data=data)
    assert form.is_valid(), form.errors_by_path()
    assert form.cleaned_json()["thanh_vien"] == [{"ho_ten": "Lê C", "ngay_sinh": None}]


def test_add_row_stops_at_the_maximum(ward):
    data = post_data(ward, **{"thanh_vien-TOTAL_FORMS": "3", "_eform_add": "thanh_vien"})
    form = build_form(SCHEMA, data=data)
    assert form.groups["thanh_vien"].total_form_count() == 3
    assert 'name="_eform_add"' not in str(form)


def test_prefix_keeps_two_forms_apart(ward):
    data = QueryDict(mutable=True)
    for key, value in post_data(ward).lists():
        data.setlist(f"eform-{key}", value)
    form = build_form(SCHEMA, data=data, prefix="eform")
    assert form.is_valid(), form.errors_by_path()


def test_date_bounds_follow_the_portal_clock(ward):
    from datetime import datetime

    from django.utils import timezone

    clock.freeze(timezone.make_aware(datetime(2026, 3, 2, 9, 0)))
    form = build_form(SCHEMA, data=post_data(ward, ngay_sinh="2026-03-03"))
    assert not form.is_valid()
    assert "Ngày không được sau hôm nay (02/03/2026)." in form.errors["ngay_sinh"]
    assert 'max="2026-03-02"' in str(form["ngay_sinh"])


@pytest.mark.django_db
def test_initial_answers_come_from_the_account(ward):
    user = CitizenFactory(
        full_name="Nguyễn Văn An",
        citizen_id=CCCD,
        phone="0912345678",
        date_of_birth=date(1990, 5, 1),
        province_code=TAY_NINH,
        commune_code=ward.code,
        address="12 Nguyễn Huệ",
    )
    initial = initial_for_user(SCHEMA, user)
    assert initial == {
        "ho_ten": "Nguyễn Văn An",
        "so_dinh_danh": CCCD,
        "dien_thoai": "0912345678",
        "noi_cu_tru": {"province": TAY_NINH, "commune": ward.code, "street": "12 Nguyễn Huệ"},
    }
    html = str(build_form(SCHEMA, initial=initial))
    assert 'value="Nguyễn Văn An"' in html
    assert f'<option value="{ward.code}" selected>{ward.name}</option>' in html


def test_answers_read_back_in_words(ward):
    cleaned, _ = clean_data(SCHEMA, valid_answers(ward))
    read = {a.name: a for a in answers(SCHEMA, cleaned)}
    assert read["ngay_sinh"].value == "01/05/1990"
    assert read["gioi_tinh"].value == "Nam"
    assert read["cam_doan"].value == "Có"
    assert read["dien_tich"].value == "72.5 m²"
    assert read["noi_cu_tru"].value == f"12 Nguyễn Huệ, {ward.name}, Tây Ninh"
    assert read["thanh_vien"].is_group
    assert [(a.label, a.value) for a in read["thanh_vien"].rows[0]] == [
        ("Họ tên", "Trần Thị Bình"),
        ("Ngày sinh", "03/02/1992"),
    ]
