"""A received dossier of the demo province, built field by field (rendering depends only on the data)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dossiers.models import Dossier, DossierEvent, Status
from dossiers.models.core import Channel, ResultChannel
from portal.models import Agency, OfficerPost
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    ComponentFactory,
    DossierFactory,
    OfficerFactory,
    OfficerPostFactory,
    ProcedureVersionFactory,
    SectorFactory,
    attach_file,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    """``"23/11/2026 09:15"`` in Vietnam time."""
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=VN)


@pytest.fixture
def province(db) -> dict[str, Agency]:
    tinh = AgencyFactory(code="000.00.00.H41", name="Ủy ban nhân dân tỉnh Long An", kind="province", parent=None)
    centre = AgencyFactory(
        code="000.00.01.H41",
        name="Trung tâm Phục vụ hành chính công tỉnh Long An",
        kind="centre",
        parent=tinh,
        address="Số 1 đường Song Hành, phường Tân An, tỉnh Long An",
        phone="0272 3838 999",
    )
    justice = AgencyFactory(code="000.00.04.H41", name="Sở Tư pháp", kind="department", parent=tinh)
    division = AgencyFactory(code="000.04.01.H41", name="Phòng Hành chính tư pháp", kind="division", parent=justice)
    finance = AgencyFactory(code="000.00.07.H41", name="Sở Tài chính", kind="department", parent=tinh)
    police = AgencyFactory(code="000.00.15.H41", name="Công an tỉnh Long An", kind="department", parent=tinh)
    return {
        "province": tinh,
        "centre": centre,
        "justice": justice,
        "division": division,
        "finance": finance,
        "police": police,
    }


@pytest.fixture
def officers(province) -> dict:
    receiver = OfficerFactory(full_name="Trần Thị Bình", phone="0987654321")
    OfficerPostFactory(user=receiver, agency=province["centre"], role=OfficerPost.Role.RECEIVER)
    specialist = OfficerFactory(full_name="Lê Văn Cường", phone="0911222333")
    OfficerPostFactory(user=specialist, agency=province["division"], role=OfficerPost.Role.SPECIALIST)
    leader = OfficerFactory(full_name="Phạm Quốc Dũng", phone="0933444555")
    OfficerPostFactory(user=leader, agency=province["justice"], role=OfficerPost.Role.LEADER, title="Giám đốc Sở")
    return {"receiver": receiver, "specialist": specialist, "leader": leader}


@pytest.fixture
def procedure_version(province):
    version = ProcedureVersionFactory(
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        procedure__code="2.000488.000.00.00.H41",
        sector=SectorFactory(code="LLTP", name="Lý lịch tư pháp"),
        competent_agency=province["justice"],
        processing_time_value=Decimal("10"),
        processing_time_unit="working_days",
        service_level=4,
        eform_schema={
            "fields": [
                {"name": "ho_ten", "label": {"vi": "Họ và tên", "en": "Full name"}, "type": "text"},
                {"name": "ngay_sinh", "label": {"vi": "Ngày sinh"}, "type": "date"},
                {
                    "name": "muc_dich",
                    "label": "Mục đích sử dụng phiếu",
                    "type": "choice",
                    "choices": [{"value": "xin_viec", "label": "Xin việc làm"}, {"value": "du_hoc", "label": "Du học"}],
                },
                {"name": "so_ban", "label": "Số lượng phiếu yêu cầu cấp", "type": "number"},
                {"name": "da_co_an", "label": "Đã từng bị kết án", "type": "yesno"},
                {
                    "name": "noi_cu_tru",
                    "label": "Quá trình cư trú",
                    "repeatable": True,
                    "fields": [
                        {"name": "tu_nam", "label": "Từ năm"},
                        {"name": "dia_chi", "label": "Nơi cư trú"},
                    ],
                },
            ]
        },
    )
    ComponentFactory(
        version=version, name="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", originals=1, copies=0, sort_order=1
    )
    ComponentFactory(version=version, name="Bản chụp Căn cước công dân", originals=0, copies=1, sort_order=2)
    ComponentFactory(version=version, name="Giấy tờ chứng minh đối tượng miễn phí", required=False, sort_order=3)
    return version


@pytest.fixture
def applicant(db):
    return CitizenFactory(
        full_name="Nguyễn Văn An",
        citizen_id="080090001234",
        email="nguyenvanan@example.vn",
        phone="0912345678",
        address="Số 12 đường Hùng Vương, phường Tân An, tỉnh Long An",
    )


@pytest.fixture
def received(province, officers, procedure_version, applicant) -> Dossier:
    """Online dossier accepted at the provincial centre on Mon 23/11/2026 09:15, due Mon 07/12/2026 09:15."""
    dossier = DossierFactory(
        procedure_version=procedure_version,
        applicant=applicant,
        applicant_address=applicant.address,
        receiving_agency=province["centre"],
        competent_agency=province["justice"],
        channel=Channel.ONLINE,
        result_channel=ResultChannel.COUNTER,
        form_data={
            "ho_ten": "Nguyễn Văn An",
            "ngay_sinh": "1990-05-17",
            "muc_dich": "xin_viec",
            "so_ban": 2,
            "da_co_an": False,
            "noi_cu_tru": [
                {"tu_nam": "1990", "dia_chi": "Xã Đức Hòa, tỉnh Long An"},
                {"tu_nam": "2012", "dia_chi": "Phường Tân An, tỉnh Long An"},
            ],
            "ghi_chu_them": "Cần gấp để nộp hồ sơ xin việc",
        },
    )
    components = list(procedure_version.components.order_by("sort_order"))
    attach_file(dossier, components[0], name="to-khai-lltp.pdf", content=b"%PDF-1.7 to khai")
    attach_file(dossier, components[1], name="cccd-mat-truoc.pdf", content=b"%PDF-1.7 cccd truoc")
    attach_file(dossier, components[1], name="cccd-mat-sau.pdf", content=b"%PDF-1.7 cccd sau")
    dossier.status = Status.RECEIVED
    dossier.code = "000.00.01.H41-261123-0007"
    dossier.lookup_secret = "Qx7pL2mZ9rT4wV1k"
    dossier.submitted_at = at("21/11/2026 20:40")
    dossier.received_at = at("23/11/2026 09:15")
    dossier.due_at = at("07/12/2026 09:15")
    dossier.current_department = province["division"]
    dossier.save()
    DossierEvent.objects.create(
        dossier=dossier,
        at=at("23/11/2026 09:15"),
        actor=officers["receiver"],
        actor_label=officers["receiver"].login_label,
        action="accept",
        from_status=Status.SUBMITTED,
        to_status=Status.RECEIVED,
        data={"code": dossier.code},
    )
    return dossier


@pytest.fixture
def portal_url(settings):
    settings.PORTAL_BASE_URL = "https://dichvucong.longan.gov.vn/"
    settings.PORTAL_PROVINCE = "Long An"
    settings.PORTAL_NAME = "Cổng Dịch vụ công tỉnh Long An"
    return "https://dichvucong.longan.gov.vn"
