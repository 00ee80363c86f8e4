"""A small province for workflow tests: a provincial desk, a department with a division, a level-3 procedure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from dossiers import workflow
from dossiers.models import Attachment, Dossier
from portal.models import Agency, OfficerPost, User
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


@dataclass
class World:
    province: Agency
    desk: Agency
    department: Agency
    division: Agency
    other: Agency
    receiver: User
    specialist: User
    leader: User
    outsider: User
    citizen: User
    version: object
    component: object

    def draft(self, **kwargs) -> Dossier:
        version = kwargs.pop("version", self.version)
        dossier = workflow.create_draft(
            procedure_version=version,
            applicant=kwargs.pop("applicant", self.citizen),
            receiving_agency=kwargs.pop("receiving_agency", self.desk),
            **kwargs,
        )
        return dossier

    def attach(self, dossier: Dossier, component=None) -> Attachment:
        return attach_file(dossier, component or self.component)

    def submitted(self, **kwargs) -> Dossier:
        dossier = self.draft(**kwargs)
        self.attach(dossier)
        return workflow.submit(dossier, by=dossier.applicant)

    def received(self, **kwargs) -> Dossier:
        return workflow.accept(self.submitted(**kwargs), by=self.receiver)


@pytest.fixture
def world(db) -> World:
    province = AgencyFactory(code="000.00.00.H41", name="UBND tỉnh Long An", kind=Agency.Kind.PROVINCE)
    desk = AgencyFactory(code="000.00.01.H41", name="Trung tâm PVHCC tỉnh", kind=Agency.Kind.CENTRE, parent=province)
    department = AgencyFactory(code="000.00.04.H41", name="Sở Tư pháp", parent=province)
    division = AgencyFactory(
        code="000.04.01.H41", name="Phòng Hành chính tư pháp", kind=Agency.Kind.DIVISION, parent=department
    )
    other = AgencyFactory(code="000.00.12.H41", name="Sở Xây dựng", parent=province)
    version = ProcedureVersionFactory(
        competent_agency=department,
        service_level=3,
        processing_time_value=Decimal("5"),
        processing_time_unit="working_days",
        supplement_policy="restart",
    )
    version.receiving_agencies.add(desk)
    RouteStep.objects.create(version=version, order=1, name="Tiếp nhận", role="receiver", share_percent=10)
    RouteStep.objects.create(
        version=version, order=2, name="Thẩm định", role="specialist", department=division, share_percent=70
    )
    RouteStep.objects.create(
        version=version, order=3, name="Phê duyệt", role="leader", department=department, share_percent=20
    )
    component = ComponentFactory(version=version, name="Tờ khai", required=True)

    def officer(agency: Agency, role: str) -> User:
        user = OfficerFactory()
        OfficerPostFactory(user=user, agency=agency, role=role)
        return user

    return World(
        province=province,
        desk=desk,
        department=department,
        division=division,
        other=other,
        receiver=officer(desk, OfficerPost.Role.RECEIVER),
        specialist=officer(division, OfficerPost.Role.SPECIALIST),
        leader=officer(department, OfficerPost.Role.LEADER),
        outsider=officer(other, OfficerPost.Role.RECEIVER),
        citizen=CitizenFactory(),
        version=version,
        component=component,
    )


@pytest.fixture
def at():
    """Travel to a local moment: ``with at(vn(2026, 11, 23, 9)): …``."""

    def travel(moment: datetime) -> time_machine.travel:
        return time_machine.travel(moment, tick=False)

    return travel
