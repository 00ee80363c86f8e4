"""A small province for the SLA timers, with dossiers moved through ``dossiers.workflow`` on real dates.

    Long An (province)
    ├── Trung tâm PVHCC (the desk): receivers Lan and Minh, leader (director) Hùng
    └── Sở Tư pháp (competent department): leader (director) Dũng
        └── Phòng Hành chính tư pháp (division, no leader of its own): specialist Bình

The procedure takes 3 working days (restart after a supplement) and is handled in the division, approved at the
department. Every officer receives e-mail; the citizen too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from dossiers import workflow
from dossiers.models import Dossier, IssuedDocument
from portal.models import Agency, Message, OfficerPost, User
from procedures.models import RouteStep
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    ComponentFactory,
    OfficerFactory,
    OfficerPostFactory,
    ProcedureVersionFactory,
    attach_file,
)
from tests.moments import MINIMAL_PDF, VN, vn  # noqa: F401 - re-exported to the tests

PDF = MINIMAL_PDF


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Act at ``moment`` (the portal clock falls back to Django's, which time-machine moves)."""
    with time_machine.travel(moment, tick=False):
        yield


@dataclass
class Province:
    province: Agency
    desk: Agency
    department: Agency
    division: Agency
    receiver: User
    receiver2: User
    desk_leader: User
    leader: User
    specialist: User
    citizen: User
    version: object
    short_version: object

    def submitted(self, when: datetime, *, version=None) -> Dossier:
        version = version or self.version
        with at(when):
            dossier = workflow.create_draft(
                procedure_version=version, applicant=self.citizen, receiving_agency=self.desk
            )
            self.attach(dossier)
            return workflow.submit(dossier, by=self.citizen)

    def received(self, when: datetime, *, version=None, assign: bool = True) -> Dossier:
        dossier = self.submitted(when, version=version)
        with at(when):
            dossier = workflow.accept(dossier, by=self.receiver)
            if assign:
                dossier = workflow.assign(dossier, by=self.leader, to_user=self.specialist)
        return dossier

    def attach(self, dossier: Dossier) -> None:
        attach_file(dossier, dossier.procedure_version.components.first())

    def ask_supplement(self, dossier: Dossier, when: datetime) -> Dossier:
        with at(when):
            return workflow.request_supplement(
                dossier, by=self.specialist, items=[{"item": "Bản sao giấy khai sinh", "reason": "Bản chụp bị mờ"}]
            )

    def answer_supplement(self, dossier: Dossier, when: datetime) -> Dossier:
        with at(when):
            self.attach(dossier)
            return workflow.answer_supplement(dossier, by=self.citizen, note="Đã nộp bản rõ")

    def propose(self, dossier: Dossier, when: datetime) -> Dossier:
        with at(when):
            draft = IssuedDocument.objects.create(dossier=dossier, kind="result_draft", sha256="0" * 64)
            return workflow.propose(dossier, by=self.specialist, outcome="approved", document=draft)

    def approve(self, dossier: Dossier, when: datetime) -> Dossier:
        with at(when):
            signed = IssuedDocument.objects.create(dossier=dossier, kind="result", sha256="1" * 64)
            return workflow.approve(dossier, by=self.leader, signed_result=signed)


def build_province() -> Province:
    province = AgencyFactory(code="000.00.00.H41", name="UBND tỉnh Long An", kind=Agency.Kind.PROVINCE)
    desk = AgencyFactory(
        code="000.00.01.H41",
        name="Trung tâm Phục vụ hành chính công tỉnh",
        short_name="TTPVHCC",
        kind=Agency.Kind.CENTRE,
        parent=province,
        phone="0272 3 555 555",
    )
    department = AgencyFactory(code="000.00.04.H41", name="Sở Tư pháp", short_name="STP", parent=province)
    division = AgencyFactory(
        code="000.04.01.H41", name="Phòng Hành chính tư pháp", kind=Agency.Kind.DIVISION, parent=department
    )

    def version(days: str, name: str):
        v = ProcedureVersionFactory(
            name=name,
            competent_agency=department,
            service_level=3,
            processing_time_value=Decimal(days),
            processing_time_unit="working_days",
            supplement_policy="restart",
        )
        v.receiving_agencies.add(desk)
        RouteStep.objects.create(version=v, order=1, name="Tiếp nhận", role="receiver", share_percent=10)
        RouteStep.objects.create(
            version=v, order=2, name="Thẩm định", role="specialist", department=division, share_percent=70
        )
        RouteStep.objects.create(
            version=v, order=3, name="Phê duyệt", role="leader", department=department, share_percent=20
        )
        ComponentFactory(version=v, name="Tờ khai", required=True)
        return v

    def officer(name: str, agency: Agency, role: str) -> User:
        user = OfficerFactory(full_name=name)
        OfficerPostFactory(user=user, agency=agency, role=role)
        return user

    return Province(
        province=province,
        desk=desk,
        department=department,
        division=division,
        receiver=officer("Nguyễn Thị Lan", desk, OfficerPost.Role.RECEIVER),
        receiver2=officer("Trần Văn Minh", desk, OfficerPost.Role.RECEIVER),
        desk_leader=officer("Lê Văn Hùng", desk, OfficerPost.Role.LEADER),
        leader=officer("Phạm Quốc Dũng", department, OfficerPost.Role.LEADER),
        specialist=officer("Võ Thị Bình", division, OfficerPost.Role.SPECIALIST),
        citizen=CitizenFactory(full_name="Huỳnh Văn An"),
        version=version("3", "Đăng ký khai sinh có yếu tố nước ngoài"),
        short_version=version("1", "Cấp bản sao trích lục hộ tịch"),
    )


@pytest.fixture(autouse=True)
def _fresh_timer_marks():
    """Timers keep small marks in the shared cache (last runs, the day's digests): each test starts without any."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def province(db) -> Province:
    return build_province()


def messages(event: str, dossier: Dossier | None = None) -> list[Message]:
    qs = Message.objects.filter(event=event).select_related("user").order_by("pk")
    if dossier is not None:
        qs = qs.filter(reference__in=[ref for ref in (dossier.code, f"#{dossier.pk}") if ref])
    return list(qs)


def recipients(event: str, dossier: Dossier | None = None) -> list[str]:
    """Who got ``event`` (about ``dossier``), by name, sorted; one entry per message."""
    return sorted(m.user.full_name for m in messages(event, dossier))
