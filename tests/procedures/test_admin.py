"""Administration: agency administrators edit and publish their agency's procedures only
(``may(user, "procedure.manage", agency)``), published versions are read-only, revisions are new drafts."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from procedures import services
from procedures.models import Procedure, ProcedureVersion
from tests.factories import UserFactory
from tests.procedures.conftest import SIMPLE_SCHEMA

pytestmark = pytest.mark.django_db


@pytest.fixture
def justice_procedure(make_draft):
    draft = make_draft(
        "2.000488", agency_code="000.00.04.H41", name="Cấp Phiếu lý lịch tư pháp", administrative_level="province"
    )
    services.procedure_publish(version=draft, by=None, effective_from=date(2025, 7, 1))
    return draft


@pytest.fixture
def commune_draft(make_draft):
    return make_draft("1.001193", agency_code="001.00.00.H41")


@pytest.fixture
def admin_client(client, agency_admin):
    client.force_login(agency_admin)
    return client


def change_url(version):
    return reverse("admin:procedures_procedureversion_change", args=[version.pk])


def form_data(version, **changes):
    """What the admin change form posts for ``version`` (no inline rows changed)."""
    data = {
        "name": version.name,
        "sector": version.sector_id,
        "administrative_level": version.administrative_level,
        "service_level": version.service_level,
        "competent_agency": version.competent_agency_id,
        "receiving_agencies": [a.pk for a in version.receiving_agencies.all()],
        "processing_time_value": str(version.processing_time_value),
        "processing_time_unit": version.processing_time_unit,
        "supplement_policy": version.supplement_policy,
        "fees": json.dumps(version.fees),
        "eform_schema": json.dumps(version.eform_schema, ensure_ascii=False),
        "required_assurance_level": version.required_assurance_level,
        "components-TOTAL_FORMS": "0",
        "components-INITIAL_FORMS": "0",
        "route_steps-TOTAL_FORMS": "0",
        "route_steps-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_agency_admin_sees_only_their_agencys_procedures(admin_client, justice_procedure, commune_draft):
    listing = admin_client.get(reverse("admin:procedures_procedureversion_changelist")).content.decode()
    assert "Cấp Phiếu lý lịch tư pháp" in listing and "Đăng ký khai sinh" not in listing
    assert admin_client.get(change_url(commune_draft)).status_code == 302  # "does not exist" → back to the list
    assert admin_client.get(reverse("procedures:preview", args=[commune_draft.pk])).status_code == 404
    assert admin_client.get(reverse("procedures:preview", args=[justice_procedure.pk])).status_code == 200


def test_published_versions_are_read_only_with_a_revise_button(admin_client, justice_procedure):
    page = admin_client.get(change_url(justice_procedure)).content.decode()
    assert "Tạo bản sửa đổi (phiên bản mới)" in page
    assert 'name="name"' not in page  # shown, not editable
    response = admin_client.post(change_url(justice_procedure), form_data(justice_procedure, name="Khác"))
    assert response.status_code == 403
    justice_procedure.refresh_from_db()
    assert justice_procedure.name == "Cấp Phiếu lý lịch tư pháp"


def test_revise_edit_and_publish_through_the_admin(admin_client, justice_procedure):
    response = admin_client.post(reverse("admin:procedures_procedureversion_revise", args=[justice_procedure.pk]))
    draft = ProcedureVersion.objects.get(procedure=justice_procedure.procedure, status="draft")
    assert response.url == change_url(draft) and draft.number == 2
    response = admin_client.post(change_url(draft), form_data(draft, processing_time_value="7"))
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.processing_time_value == 7
    publish = reverse("admin:procedures_procedureversion_publish", args=[draft.pk])
    assert "Bản nháp đã đủ thông tin để công bố." in admin_client.get(publish).content.decode()
    response = admin_client.post(publish, {"effective_from": "2026-01-01", "change_note": "Tăng thời hạn"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.change_note, draft.published_by.email) == (
        "published",
        "Tăng thời hạn",
        "quantri.tuphap@longan.gov.vn",
    )
    assert services.version_in_force(draft.procedure, date(2026, 1, 1)) == draft


def test_an_invalid_e_form_is_shown_in_words_on_save(admin_client, justice_procedure):
    admin_client.post(reverse("admin:procedures_procedureversion_revise", args=[justice_procedure.pk]))
    draft = ProcedureVersion.objects.get(status="draft")
    bad = {"fields": [{"name": "ngay_sinh", "type": "date", "label": "Ngày sinh", "min_length": 2}]}
    response = admin_client.post(change_url(draft), form_data(draft, eform_schema=json.dumps(bad)))
    assert response.status_code == 200
    assert (
        "Trường &#x27;ngay_sinh&#x27;: kiểu &#x27;ngày&#x27; không có quy tắc &#x27;min_length&#x27;"
        in response.content.decode()
    )


def test_publish_page_lists_what_is_missing(admin_client, justice_procedure):
    admin_client.post(reverse("admin:procedures_procedureversion_revise", args=[justice_procedure.pk]))
    draft = ProcedureVersion.objects.get(status="draft")
    draft.receiving_agencies.clear()
    page = admin_client.get(reverse("admin:procedures_procedureversion_publish", args=[draft.pk])).content.decode()
    assert "Cần chọn ít nhất một nơi tiếp nhận hồ sơ." in page


def test_a_new_procedure_starts_as_a_draft_of_the_admins_agency(admin_client, agencies, sector):
    add = reverse("admin:procedures_procedureversion_add")
    page = admin_client.get(add).content.decode()
    competent = page[page.index('name="competent_agency"') :]
    competent = competent[: competent.index("</select>")]
    assert "Sở Tư pháp" in competent and "Phòng Hành chính tư pháp" in competent  # their agency and its sub-tree
    assert "phường Tân An" not in competent
    data = {
        "procedure_code": "2.001234",
        "name": "Cấp bản sao Phiếu lý lịch tư pháp",
        "sector": sector.pk,
        "administrative_level": "province",
        "service_level": 3,
        "competent_agency": agencies["000.00.04.H41"].pk,
        "receiving_agencies": [agencies["000.00.01.H41"].pk],
        "processing_time_value": "5",
        "processing_time_unit": "working_days",
        "supplement_policy": "restart",
        "fees": "[]",
        "eform_schema": json.dumps(SIMPLE_SCHEMA),
        "required_assurance_level": 1,
        "components-TOTAL_FORMS": "1",
        "components-INITIAL_FORMS": "0",
        "components-0-name": "Tờ khai",
        "components-0-required": "on",
        "components-0-originals": "1",
        "components-0-copies": "0",
        "components-0-allowed_types": '["pdf"]',
        "components-0-max_files": "5",
        "components-0-max_size_mb": "10",
        "components-0-sort_order": "0",
        "route_steps-TOTAL_FORMS": "0",
        "route_steps-INITIAL_FORMS": "0",
    }
    response = admin_client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:4000]
    version = ProcedureVersion.objects.get(procedure__code="2.001234")
    assert (version.status, version.number, version.created_by.email) == ("draft", 1, "quantri.tuphap@longan.gov.vn")
    # the same code again is refused with a way forward
    again = admin_client.post(add, {**data, "name": "x"}).content.decode()
    assert "Thủ tục 2.001234 đã có." in again


def test_people_without_a_post_see_nothing(client, justice_procedure):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:procedures_procedureversion_changelist")).status_code == 403
    assert client.get(reverse("procedures:preview", args=[justice_procedure.pk])).status_code == 404


def test_superuser_manages_everything(client, justice_procedure, commune_draft):
    from portal.models import User

    client.force_login(User.objects.create_superuser("admin@longan.gov.vn", "MotCua@2026"))
    listing = client.get(reverse("admin:procedures_procedureversion_changelist")).content.decode()
    assert "Cấp Phiếu lý lịch tư pháp" in listing and "Đăng ký khai sinh" in listing
    assert client.get(reverse("admin:procedures_procedure_changelist")).status_code == 200
    assert client.get(reverse("admin:procedures_sector_add")).status_code == 200
    response = client.post(
        reverse("admin:procedures_procedureversion_delete", args=[commune_draft.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Procedure.objects.filter(code="1.001193").exists()


def test_preview_shows_the_form_and_what_would_be_stored(admin_client, justice_procedure):
    url = reverse("procedures:preview", args=[justice_procedure.pk])
    page = admin_client.get(url).content.decode()
    assert '<label for="id_eform-ho_ten">Họ và tên' in page
    bad = admin_client.post(url, {"eform-ho_ten": "", "eform-so_dinh_danh": "1"}).content.decode()
    assert "Biểu mẫu còn lỗi" in bad and "Vui lòng nhập “Họ và tên”." in bad
    good = admin_client.post(
        url, {"eform-ho_ten": "Nguyễn Văn An", "eform-so_dinh_danh": "080090001234"}
    ).content.decode()
    assert "Biểu mẫu hợp lệ" in good and "Nguyễn Văn An" in good


def test_pages_with_a_template_file_show_its_name_and_serve_it_to_managers(admin_client, justice_procedure, client):
    from django.core.files.base import ContentFile

    component = justice_procedure.components.get()
    component.template_file.save("to-khai-lltp.docx", ContentFile(b"PK mau"), save=True)
    page = admin_client.get(change_url(justice_procedure)).content.decode()  # read-only: a download link
    download = reverse("admin:procedures_component_template", args=[component.pk])
    assert f'href="{download}"' in page
    assert b"".join(admin_client.get(download).streaming_content) == b"PK mau"
    admin_client.post(reverse("admin:procedures_procedureversion_revise", args=[justice_procedure.pk]))
    draft = ProcedureVersion.objects.get(status="draft")
    page = admin_client.get(change_url(draft)).content.decode()  # editable: the name and a file input
    assert "Tệp hiện tại: <strong>to-khai-lltp" in page and 'type="file"' in page
    client.force_login(UserFactory(is_staff=True))
    assert client.get(download).status_code == 404
