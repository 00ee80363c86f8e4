"""A small province for the citizen's side: a provincial desk, the Department of Justice, a level-3 procedure with an
e-form (the birth registration shape of the demo catalogue), a level-4 one that asks for a signed application, a
verified citizen and another citizen, and files made the way scanners and phones make them."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from portal.models import Agency, OfficerPost, User
from procedures.eform import validate_schema
from procedures.models import Component, DocumentKind, ProcedureVersion
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    ComponentFactory,
    OfficerFactory,
    OfficerPostFactory,
    ProcedureVersionFactory,
    SectorFactory,
)
from tests.moments import VN, vn  # noqa: F401 - re-exported to the tests

SCHEMA = {
    "title": "Tờ khai đăng ký khai sinh",
    "fields": [
        {
            "name": "ho_ten",
            "type": "text",
            "label": "Họ, chữ đệm, tên người yêu cầu",
            "required": True,
            "max_length": 100,
            "prefill": "full_name",
        },
        {
            "name": "so_dinh_danh",
            "type": "cccd",
            "label": "Số định danh cá nhân",
            "required": True,
            "prefill": "citizen_id",
        },
        {"name": "dien_thoai", "type": "phone", "label": "Số điện thoại di động", "required": True, "prefill": "phone"},
        {
            "name": "noi_cu_tru",
            "type": "address",
            "label": "Nơi cư trú",
            "required": True,
            "street": "required",
            "prefill": "address",
        },
        {"name": "ho_ten_tre", "type": "text", "label": "Họ, chữ đệm, tên người được khai sinh", "required": True},
        {"name": "ngay_sinh_tre", "type": "date", "label": "Ngày sinh", "required": True, "max_date": "today"},
        {
            "name": "cam_doan",
            "type": "boolean",
            "label": "Tôi cam đoan nội dung khai là đúng sự thật.",
            "required": True,
        },
    ],
}
assert not validate_schema(SCHEMA), validate_schema(SCHEMA)

# Tây Ninh (GSO 80) and one of its wards, as the address pickers know them since 7/2025.
PROVINCE_CODE = "80"


# --------------------------------------------------------------------------------------------- files


def pdf_bytes(pages: int = 1, text: str = "") -> bytes:
    """A small, valid PDF (what a scanner saves)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (400, 300), *, orientation: int | None = None, gps: bool = False) -> bytes:
    """A phone photo: optionally an EXIF orientation tag and a GPS position."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (10.0, 32.0, 0.0), 3: "E", 4: (106.0, 24.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (120, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(out, "PNG")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --------------------------------------------------------------------------------------------- world


@dataclass
class World:
    province: Agency
    desk: Agency
    justice: Agency
    division: Agency
    receiver: User
    specialist: User
    citizen: User
    other: User
    version: ProcedureVersion
    form_component: Component
    birth_component: Component
    other_component: Component
    birth_kind: DocumentKind
    signed_version: ProcedureVersion

    def answers(self, **overrides) -> dict:
        """A complete, valid set of answers for SCHEMA (as the HTML form or a partner sends them)."""
        from procedures import divisions

        commune = divisions.communes_of(PROVINCE_CODE)[0]
        data = {
            "ho_ten": "Nguyễn Văn An",
            "so_dinh_danh": "080090001234",
            "dien_thoai": "0912345678",
            "noi_cu_tru": {"province": PROVINCE_CODE, "commune": commune.code, "street": "12 Nguyễn Huệ"},
            "ho_ten_tre": "NGUYỄN MINH KHÔI",
            "ngay_sinh_tre": "2026-02-01",
            "cam_doan": True,
        }
        data.update(overrides)
        return data


@pytest.fixture
def world(db) -> World:
    from procedures import divisions

    province = AgencyFactory(code="000.00.00.H41", name="Ủy ban nhân dân tỉnh Long An", kind=Agency.Kind.PROVINCE)
    desk = AgencyFactory(
        code="000.00.01.H41",
        name="Trung tâm Phục vụ hành chính công tỉnh Long An",
        kind=Agency.Kind.CENTRE,
        parent=province,
    )
    justice = AgencyFactory(code="000.00.04.H41", name="Sở Tư pháp", parent=province)
    division = AgencyFactory(
        code="000.04.01.H41", name="Phòng Hành chính tư pháp", kind=Agency.Kind.DIVISION, parent=justice
    )
    sector = SectorFactory(code="HT", name="Hộ tịch")
    version = ProcedureVersionFactory(
        name="Đăng ký khai sinh",
        procedure__code="1.001193",
        sector=sector,
        competent_agency=justice,
        service_level=3,
        processing_time_value=Decimal("3"),
        eform_schema=SCHEMA,
        required_assurance_level=1,
    )
    version.receiving_agencies.add(desk)
    birth_kind = DocumentKind.objects.create(code="giay-chung-sinh", name="Giấy chứng sinh")
    form_component = ComponentFactory(
        version=version,
        name="Tờ khai đăng ký khai sinh",
        template_label="Tờ khai đăng ký khai sinh (TT 04/2020/TT-BTP)",
        sort_order=1,
    )
    birth_component = ComponentFactory(
        version=version,
        name="Giấy chứng sinh hoặc văn bản thay Giấy chứng sinh",
        sort_order=2,
        max_files=2,
        max_size_mb=1,
    )
    birth_component.document_kinds.add(birth_kind)
    other_component = ComponentFactory(version=version, name="Giấy tờ khác", required=False, sort_order=3)

    signed_version = ProcedureVersionFactory(
        name="Cấp Phiếu lý lịch tư pháp",
        procedure__code="2.000488",
        sector=SectorFactory(code="LLTP", name="Lý lịch tư pháp"),
        competent_agency=justice,
        service_level=4,
        requires_signature=True,
        eform_schema={
            "title": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
            "fields": [
                {"name": "ho_ten", "type": "text", "label": "Họ và tên", "required": True, "prefill": "full_name"},
                {"name": "muc_dich", "type": "text", "label": "Mục đích sử dụng", "required": True},
            ],
        },
    )
    signed_version.receiving_agencies.add(desk)
    ComponentFactory(version=signed_version, name="Bản chụp căn cước", required=False)

    receiver = OfficerFactory(full_name="Trần Thị Bình")
    OfficerPostFactory(user=receiver, agency=desk, role=OfficerPost.Role.RECEIVER)
    specialist = OfficerFactory(full_name="Lê Văn Cường")
    OfficerPostFactory(user=specialist, agency=division, role=OfficerPost.Role.SPECIALIST)

    commune = divisions.communes_of(PROVINCE_CODE)[0]
    citizen = CitizenFactory(
        full_name="Nguyễn Văn An",
        citizen_id="080090001234",
        phone="0912345678",
        email="nguyenvanan@example.vn",
        address="12 Nguyễn Huệ",
        province_code=PROVINCE_CODE,
        commune_code=commune.code,
        assurance_level=2,
    )
    other = CitizenFactory(full_name="Trần Thị Bình", citizen_id="080190004321", email="tranthibinh@example.vn")
    return World(
        province=province,
        desk=desk,
        justice=justice,
        division=division,
        receiver=receiver,
        specialist=specialist,
        citizen=citizen,
        other=other,
        version=version,
        form_component=form_component,
        birth_component=birth_component,
        other_component=other_component,
        birth_kind=birth_kind,
        signed_version=signed_version,
    )


@pytest.fixture
def at():
    """Travel to a local moment: ``with at(vn(2026, 3, 13, 17, 30)): …``."""

    def travel(moment: datetime) -> time_machine.travel:
        return time_machine.travel(moment, tick=False)

    return travel


@pytest.fixture
def media_files(settings):
    """Every file stored under MEDIA_ROOT (to prove that a refused upload left nothing behind)."""
    from pathlib import Path

    def listing() -> list[str]:
        root = Path(settings.MEDIA_ROOT)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return listing


def now_local() -> datetime:
    return timezone.localtime()
