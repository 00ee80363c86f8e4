"""Fixtures of the catalogue tests: the demo province's agencies (DEMO_PROVINCE.md) and small builders."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.models import Agency, OfficerPost
from procedures import services
from procedures.models import Sector
from tests.factories import OfficerFactory

DEMO_AGENCIES = [
    ("000.00.00.H41", "Ủy ban nhân dân tỉnh Long An", "province", None, True),
    ("000.00.01.H41", "Trung tâm Phục vụ hành chính công tỉnh Long An", "centre", "000.00.00.H41", True),
    ("000.00.04.H41", "Sở Tư pháp", "department", "000.00.00.H41", True),
    ("000.04.01.H41", "Phòng Hành chính tư pháp", "division", "000.00.04.H41", True),
    ("000.00.07.H41", "Sở Tài chính", "department", "000.00.00.H41", True),
    ("000.07.02.H41", "Phòng Đăng ký kinh doanh", "division", "000.00.07.H41", True),
    ("000.00.12.H41", "Sở Xây dựng", "department", "000.00.00.H41", True),
    ("000.12.01.H41", "Phòng Quản lý xây dựng", "division", "000.00.12.H41", True),
    ("000.00.09.H41", "Sở Nông nghiệp và Môi trường", "department", "000.00.00.H41", True),
    ("000.09.03.H41", "Phòng Đất đai", "division", "000.00.09.H41", True),
    ("001.00.00.H41", "Ủy ban nhân dân phường Tân An", "commune", "000.00.00.H41", True),
    ("001.01.00.H41", "Trung tâm Phục vụ hành chính công phường Tân An", "centre", "001.00.00.H41", True),
    ("001.02.00.H41", "Phòng Văn hóa – Xã hội phường Tân An", "division", "001.00.00.H41", True),
    ("002.00.00.H41", "Ủy ban nhân dân xã Đức Hòa", "commune", "000.00.00.H41", True),
    ("002.01.00.H41", "Trung tâm Phục vụ hành chính công xã Đức Hòa", "centre", "002.00.00.H41", True),
    ("010.00.00.H41", "Ủy ban nhân dân huyện Cần Giuộc (mô hình trước 7/2025)", "district", "000.00.00.H41", False),
    ("010.01.00.H41", "Ủy ban nhân dân xã Phước Lý (mô hình trước 7/2025)", "commune", "010.00.00.H41", False),
]


def create_demo_agencies() -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for code, name, kind, parent, active in DEMO_AGENCIES:
        agencies[code] = Agency.objects.create(
            code=code, name=name, kind=kind, parent=agencies.get(parent), is_active=active
        )
    return agencies


@pytest.fixture
def agencies(db) -> dict[str, Agency]:
    return create_demo_agencies()


@pytest.fixture
def sector(db) -> Sector:
    return Sector.objects.create(code="HT", name="Hộ tịch")


SIMPLE_SCHEMA = {
    "title": "Tờ khai",
    "fields": [
        {"name": "ho_ten", "type": "text", "label": "Họ và tên", "required": True},
        {"name": "so_dinh_danh", "type": "cccd", "label": "Số định danh cá nhân", "required": True},
    ],
}


def content(agency: Agency, sector: Sector, **overrides) -> dict:
    """The fields of a publishable level-3 version."""
    fields = {
        "name": "Đăng ký khai sinh",
        "sector": sector,
        "administrative_level": "commune",
        "service_level": 3,
        "competent_agency": agency,
        "processing_time_value": Decimal("3"),
        "processing_time_unit": "working_days",
        "eform_schema": SIMPLE_SCHEMA,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_draft(agencies, sector):
    def make(code: str = "1.001193", *, by=None, agency_code: str = "001.00.00.H41", **overrides):
        agency = agencies[agency_code]
        return services.procedure_create_draft(
            code=code,
            by=by,
            receiving_agencies=[agencies["001.01.00.H41"]],
            components=[{"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0}],
            **content(agency, sector, **overrides),
        )

    return make


@pytest.fixture
def agency_admin(agencies):
    """quantri.tuphap: administrator of Sở Tư pháp (and so of its division)."""
    user = OfficerFactory(email="quantri.tuphap@longan.gov.vn", is_staff=True)
    OfficerPost.objects.create(user=user, agency=agencies["000.00.04.H41"], role=OfficerPost.Role.ADMIN)
    return user
