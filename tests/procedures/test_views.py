"""Public catalogue pages: wiring, no-JS and htmx renderings, what a procedure page shows, downloads, help."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from feedback.models import FAQ
from procedures import hooks, services
from procedures.highlights import popular_sectors_section
from procedures.models import Component, Procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(make_draft, agencies):
    """Three procedures: a level-3 birth registration with a template, a level-2 and a level-1 one."""
    birth = make_draft(
        "1.001193",
        fees=[{"label": "Lệ phí", "amount": 8000, "note": "mỗi bản"}],
        legal_basis="Luật Hộ tịch số 60/2014/QH13.",
        procedure_steps="Bước 1: Nộp hồ sơ.",
        requirements="Đăng ký trong 60 ngày.",
        result_type="Giấy khai sinh",
    )
    component = birth.components.get()
    component.template_file.save("to-khai.docx", ContentFile(b"PK\x03\x04 mau"), save=False)
    component.template_label = "Tờ khai đăng ký khai sinh"
    component.save()
    services.procedure_publish(version=birth, by=None, effective_from=date(2025, 7, 1))
    copy = make_draft("2.000815", name="Chứng thực bản sao từ bản chính", service_level=2, eform_schema={})
    services.procedure_publish(version=copy, by=None)
    info = make_draft("2.002187", name="Giải quyết khiếu nại lần đầu", service_level=1, eform_schema={})
    Component.objects.filter(version=info).update(
        template_file=component.template_file.name, template_label="Đơn khiếu nại"
    )
    services.procedure_publish(version=info, by=None)
    return Procedure.objects.get(code="1.001193")


def test_list_shows_every_published_procedure_without_javascript(client, published):
    response = client.get(reverse("procedures:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 thủ tục." in html
    assert 'href="/thu-tuc/1.001193/"' in html
    assert '<form method="get" action="/thu-tuc/"' in html  # a plain GET form: works without JavaScript
    assert response["Vary"].count("HX-Request") == 1


def test_htmx_requests_get_only_the_results(client, published):
    response = client.get(reverse("procedures:list"), {"q": "khai sinh"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert 'id="result-count"' in html and 'hx-swap-oob="true"' in html
    assert "Tìm thấy 1 thủ tục cho “khai sinh”." in html


def test_filters_narrow_the_list(client, published):
    def names(**params):
        return [p.code for p in client.get(reverse("procedures:list"), params).context["page_obj"].object_list]

    assert names(service_level="2") == ["2.000815"]
    assert sorted(names(online="false")) == ["2.000815", "2.002187"]
    assert names(online="true") == ["1.001193"]
    assert len(names(sector="HT", administrative_level="commune")) == 3


def test_pages_keep_the_filters(client, make_draft):
    for n in range(25):
        services.procedure_publish(version=make_draft(f"9.{n:03d}", name=f"Thủ tục {n:02d}"), by=None)
    first = client.get(reverse("procedures:list"), {"sector": "HT"})
    assert "page=2" in first.content.decode() and "sector=HT&amp;page=2" in first.content.decode()
    second = client.get(reverse("procedures:list"), {"sector": "HT", "page": 2})
    assert len(second.context["page_obj"].object_list) == 5


def test_procedure_page_shows_every_part(client, published):
    html = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    for part in (
        "Đăng ký khai sinh",
        "Mã thủ tục",
        "Trình tự thực hiện",
        "Bước 1: Nộp hồ sơ.",
        "Thành phần hồ sơ",
        "Tờ khai đăng ký khai sinh",
        "3 ngày làm việc",
        "8.000 đồng",
        "mỗi bản",
        "Cơ quan có thẩm quyền",
        "Ủy ban nhân dân phường Tân An",
        "Trung tâm Phục vụ hành chính công phường Tân An",
        "Đăng ký trong 60 ngày.",
        "Luật Hộ tịch số 60/2014/QH13.",
        "Giấy khai sinh",
        "Phiên bản 1, hiệu lực từ 01/07/2025",
    ):
        assert part in html, part


def test_online_button_appears_only_when_the_submission_page_exists(client, published, settings):
    detail = reverse("procedures:detail", args=["1.001193"])
    settings.ROOT_URLCONF = "tests.procedures.urls_without_start"
    assert "Nộp hồ sơ trực tuyến</a>" not in client.get(detail).content.decode()
    settings.ROOT_URLCONF = "tests.procedures.urls_with_start"
    html = client.get(detail).content.decode()
    assert '<a href="/ho-so/nop/1.001193/" role="button" class="start-button">Nộp hồ sơ trực tuyến</a>' in html
    level_two = client.get(reverse("procedures:detail", args=["2.000815"])).content.decode()
    assert "Nộp hồ sơ trực tuyến</a>" not in level_two


def test_form_templates_download_from_level_two(client, published):
    component = published.current_version.components.get()
    response = client.get(reverse("procedures:template", args=["1.001193", component.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="to-khai-dang-ky-khai-sinh.docx"'
    assert b"".join(response.streaming_content) == b"PK\x03\x04 mau"
    level_one = Procedure.objects.get(code="2.002187").current_version.components.get()
    assert client.get(reverse("procedures:template", args=["2.002187", level_one.pk])).status_code == 404
    assert client.get(reverse("procedures:template", args=["2.000815", component.pk])).status_code == 404


def test_drafts_are_not_public(client, make_draft):
    draft = make_draft("1.000894", name="Đăng ký kết hôn")
    assert client.get(reverse("procedures:detail", args=["1.000894"])).status_code == 404
    assert "Đăng ký kết hôn" not in client.get(reverse("procedures:list")).content.decode()
    assert client.get(reverse("procedures:preview", args=[draft.pk])).status_code == 404


def test_an_older_version_can_be_read_with_a_warning(client, published):
    revision = services.procedure_start_revision(procedure=published, by=None)
    services.version_update(version=revision, by=None, name="Đăng ký khai sinh (sửa đổi)")
    services.procedure_publish(version=revision, by=None, effective_from=date(2026, 1, 1))
    response = client.get(reverse("procedures:detail", args=["1.001193"]), {"phien-ban": 1})
    html = response.content.decode()
    assert "Bạn đang xem phiên bản 1 (hiệu lực từ 01/07/2025)" in html
    assert client.get(reverse("procedures:detail", args=["1.001193"]), {"phien-ban": 9}).status_code == 404


def test_registered_sections_show_on_the_page(client, published):
    FAQ.objects.create(procedure=published, question="Quá hạn có bị phạt không?", answer="Có thể bị nhắc nhở.")
    FAQ.objects.create(procedure=published, question="Câu chưa công bố", answer="x", is_published=False)
    html = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    assert "Câu hỏi thường gặp" in html and "<summary>Quá hạn có bị phạt không?</summary>" in html
    assert "Câu chưa công bố" not in html

    def usage(request, *, procedure, version):
        return {
            "template": "feedback/faq_section.html",
            "title": f"Hồ sơ của {procedure.code}",
            "faqs": [],
            "anchor": "x",
        }

    hooks.register_detail_section("test-usage", usage, order=1)
    try:
        assert "Hồ sơ của 1.001193" in client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    finally:
        hooks.unregister(hooks.DETAIL, "test-usage")


def test_help_page_explains_register_submit_lookup_and_lists_general_faq(client, db):
    FAQ.objects.create(question="Tôi quên mã hồ sơ thì sao?", answer="Đăng nhập và mở Hồ sơ của tôi.")
    html = client.get(reverse("procedures:help")).content.decode()
    for part in (
        "1. Tạo tài khoản",
        "2. Nộp hồ sơ trực tuyến",
        "3. Tra cứu hồ sơ",
        "Mức độ 4",
        "Tôi quên mã hồ sơ thì sao?",
    ):
        assert part in html


def test_commune_options_for_the_address_picker(client, db):
    html = client.get(
        reverse("procedures:communes"), {"field": "eform-noi_cu_tru_province", "eform-noi_cu_tru_province": "80"}
    ).content.decode()
    assert html.count("<option") == 97  # the placeholder and Tây Ninh's 96 communes
    empty = client.get(reverse("procedures:communes"), {"province": ""}).content.decode()
    assert empty.count("<option") == 1 and "Chọn tỉnh, thành phố trước" in empty


def test_home_page_section_lists_popular_sectors(rf, published):
    block = popular_sectors_section(rf.get("/"))
    assert block["template"] == "procedures/home_sectors.html"
    assert [(s.code, s.procedure_count, s.online_count) for s in block["sectors"]] == [("HT", 3, 1)]
    assert block["totals"]["all"] == 3


def test_navigation_lists_the_catalogue(client, db):
    from portal.navigation import navigation_for

    assert {"label": "Thủ tục hành chính", "url": "/thu-tuc/", "name": "procedures:list"} in navigation_for(None)


def test_home_page_shows_the_catalogue_block(client, published):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thủ tục theo lĩnh vực" in html and 'href="/thu-tuc/?sector=HT"' in html
