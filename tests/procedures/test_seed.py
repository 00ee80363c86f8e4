"""seed_demo's catalogue: ~20 realistic procedures over several sectors and all four levels, each with
components, fees, time limits, an e-form (level 3+), route steps, generated form templates and FAQ entries;
running it twice changes nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from feedback.models import FAQ
from feedback.seed import seed_faq
from portal.seed import steps
from procedures.eform import build_form, validate_schema
from procedures.models import Component, Procedure, ProcedureVersion
from procedures.seed import seed_procedures

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(agencies):
    lines: list[str] = []
    seed_procedures(lines.append)
    seed_faq(lines.append)
    return lines


def test_the_seed_steps_are_registered_in_order():
    names = [(s.name, s.order) for s in steps()]
    assert ("procedures", 20) in names and ("faq", 30) in names


def test_demo_catalogue_covers_sectors_and_all_four_levels(seeded):
    published = Procedure.objects.published()
    assert published.count() == 22
    assert set(published.values_list("service_level", flat=True)) == {1, 2, 3, 4}
    assert published.values("sector").distinct().count() >= 8
    assert set(published.values_list("administrative_level", flat=True)) == {"province", "commune"}
    for name in (
        "Đăng ký khai sinh",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Đăng ký thành lập hộ kinh doanh",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
    ):
        assert published.filter(name=name).exists(), name
    assert published.filter(name__startswith="Cấp Phiếu lý lịch tư pháp").exists()
    units = set(ProcedureVersion.objects.values_list("processing_time_unit", flat=True))
    assert units == {"working_days", "working_hours", "calendar_days"}


def test_every_demo_procedure_is_complete(seeded):
    for procedure in Procedure.objects.published().select_related("current_version"):
        version = procedure.current_version
        assert version.components.exists(), procedure.code
        assert version.receiving_agencies.exists(), procedure.code
        assert version.legal_basis and version.procedure_steps, procedure.code
        if version.service_level >= 3:
            assert validate_schema(version.eform_schema) == [], procedure.code
            assert str(build_form(version.eform_schema))  # renders
            assert sum(s.share_percent for s in version.route_steps.all()) == 100, procedure.code


def test_generated_templates_download_and_open(client, seeded):
    templates = Component.objects.exclude(template_file="").select_related("version__procedure")
    assert templates.count() >= 18
    for component in templates:
        if not component.version.offers_templates:
            continue
        response = client.get(reverse("procedures:template", args=[component.version.procedure.code, component.pk]))
        content = b"".join(response.streaming_content)
        if component.template_file.name.endswith(".pdf"):
            assert content.startswith(b"%PDF"), component
        else:
            document = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in document
            assert component.template_label.split(" (")[0].upper()[:20] in document.upper()


def test_seeding_twice_changes_nothing(seeded):
    versions = list(ProcedureVersion.objects.values_list("pk", "import_fingerprint"))
    faqs = FAQ.objects.count()
    lines: list[str] = []
    seed_procedures(lines.append)
    seed_faq(lines.append)
    assert "0 thủ tục mới, 0 thủ tục có phiên bản mới, 22 thủ tục không đổi" in lines[0]
    assert list(ProcedureVersion.objects.values_list("pk", "import_fingerprint")) == versions
    assert FAQ.objects.count() == faqs >= 8


def test_the_seed_says_what_is_missing_without_agencies(db):
    with pytest.raises(RuntimeError, match=r"Chưa có các cơ quan 000\.00\.00\.H41"):
        seed_procedures(lambda line: None)
