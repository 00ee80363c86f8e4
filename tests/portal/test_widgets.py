"""LongSelect writes the same <select> as Django's Select, whatever the value, labels and attributes."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms

from portal.models import Agency
from portal.widgets import LongSelect
from tests.factories import AgencyFactory


class _Outline(HTMLParser):
    """The elements, attributes and texts of a fragment, whitespace between tags ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.items.append(("start", tag, tuple(sorted(attrs, key=lambda pair: pair[0]))))

    def handle_endtag(self, tag: str) -> None:
        self.items.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.items.append(("text", data))


def outline(html: str) -> list[tuple]:
    parser = _Outline()
    parser.feed(str(html))
    return parser.items


CHOICES = [
    ("", "Tất cả thủ tục"),
    ("1.000123", "Đăng ký khai sinh"),
    ("2.000456", 'Cấp giấy phép <xây dựng> & "sửa chữa"'),
    ("1.000123", "Trùng mã (chỉ lựa chọn đầu được chọn)"),
    (7, "Số nguyên"),
]


@pytest.mark.parametrize("value", [None, "", "1.000123", "2.000456", 7, "7", "không có"])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_procedure", "required": True, "aria-describedby": 'help "x"', "disabled": False},
        {"hx-get": "/mot-cua/?a=1&b=2", "class": "wide"},
    ],
)
def test_same_html_as_django_select(value, attrs):
    ours = LongSelect(choices=CHOICES).render("procedure", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("procedure", value, attrs=attrs)
    assert outline(ours) == outline(django)


def test_one_option_selected_and_labels_escaped():
    html = LongSelect(choices=CHOICES).render("procedure", "1.000123")
    assert html.count(" selected") == 1
    assert "&lt;xây dựng&gt; &amp; &quot;sửa chữa&quot;" in html
    assert "<xây dựng>" not in html


def test_option_groups_take_djangos_path():
    grouped = [("Sở Tư pháp", [("a", "A"), ("b", "B")]), ("c", "C")]
    ours = LongSelect(choices=grouped).render("x", "b")
    assert outline(ours) == outline(forms.Select(choices=grouped).render("x", "b"))
    assert "<optgroup" in ours


@pytest.mark.django_db
def test_model_choices_by_code_in_a_bound_form():
    AgencyFactory(code="000.00.01.H41", name="Trung tâm Phục vụ hành chính công")
    AgencyFactory(code="000.04.01.H41", name="Sở Tư pháp <Long An>")

    class Form(forms.Form):
        agency = forms.ModelChoiceField(
            queryset=Agency.objects.order_by("code"), to_field_name="code", empty_label="Toàn tỉnh", widget=LongSelect
        )

    class DjangoForm(Form):
        agency = forms.ModelChoiceField(
            queryset=Agency.objects.order_by("code"), to_field_name="code", empty_label="Toàn tỉnh"
        )

    ours, django = (
        str(Form({"agency": "000.04.01.H41"})["agency"]),
        str(DjangoForm({"agency": "000.04.01.H41"})["agency"]),
    )
    assert outline(ours) == outline(django)
    assert '<option value="000.04.01.H41" selected>Sở Tư pháp &lt;Long An&gt;</option>' in ours
