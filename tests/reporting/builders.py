"""Hand-made dossiers for statistics tests: every date set explicitly, announced through ``dossier_changed`` the
way the workflow announces its writes (before/after snapshots, inside the transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from dossiers.models import Dossier
from dossiers.models.core import Outcome, Status
from dossiers.signals import dossier_changed, snapshot
from portal.models import Agency
from procedures.models import Procedure
from tests.factories import CitizenFactory, ProcedureVersionFactory, SectorFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    """ "2026-03-02 09:00" in Asia/Ho_Chi_Minh (a bare date means 09:00)."""
    if len(text) == 10:
        text += " 09:00"
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN)


@dataclass
class Province:
    """A small Long An: the province, two departments (one with a division), a commune with its centre."""

    root: Agency
    justice: Agency
    justice_division: Agency
    finance: Agency
    commune: Agency
    commune_centre: Agency
    centre: Agency
    birth: Procedure  # justice, sector "Hộ tịch"
    business: Procedure  # finance, sector "Đăng ký kinh doanh"
    residence: Procedure  # commune, sector "Hộ tịch"
    citizen: object


def agency(code: str, name: str, kind: str, parent: Agency | None = None) -> Agency:
    found = Agency.objects.filter(code=code).first()
    if found:
        return found
    return Agency.objects.create(code=code, name=name, kind=kind, parent=parent)


def build_province() -> Province:
    root = agency("000.00.00.H41", "Ủy ban nhân dân tỉnh Long An", "province")
    centre = agency("000.00.01.H41", "Trung tâm Phục vụ hành chính công tỉnh Long An", "centre", root)
    justice = agency("000.00.04.H41", "Sở Tư pháp", "department", root)
    division = agency("000.04.01.H41", "Phòng Hành chính tư pháp", "division", justice)
    finance = agency("000.00.07.H41", "Sở Tài chính", "department", root)
    commune = agency("001.00.00.H41", "Ủy ban nhân dân phường Tân An", "commune", root)
    commune_centre = agency("001.01.00.H41", "Trung tâm Phục vụ hành chính công phường Tân An", "centre", commune)
    civil = SectorFactory(code="HT", name="Hộ tịch")
    business = SectorFactory(code="DKKD", name="Đăng ký kinh doanh")

    def procedure(code: str, name: str, sector, competent: Agency) -> Procedure:
        version = ProcedureVersionFactory(
            procedure__code=code,
            name=name,
            sector=sector,
            competent_agency=competent,
            processing_time_value=Decimal("5"),
            effective_from=at("2019-01-01 00:00"),
        )
        return Procedure.objects.get(pk=version.procedure_id)

    return Province(
        root=root,
        justice=justice,
        justice_division=division,
        finance=finance,
        commune=commune,
        commune_centre=commune_centre,
        centre=centre,
        birth=procedure("1.001193", "Cấp bản sao trích lục hộ tịch", civil, justice),
        business=procedure("2.001610", "Đăng ký thành lập doanh nghiệp tư nhân", business, finance),
        residence=procedure("1.004222", "Đăng ký khai sinh", civil, commune),
        citizen=CitizenFactory(full_name="Nguyễn Văn An"),
    )


def status_of(d: Dossier) -> str:
    if d.refused_at:
        return Status.REFUSED
    if d.withdrawn_at:
        return Status.WITHDRAWN
    if getattr(d, "stopped_at", None):
        return Status.STOPPED
    if d.resolved_at:
        if d.returned_at:
            return Status.RETURNED
        return Status.REJECTED if d.outcome == Outcome.REJECTED else Status.RESULT_READY
    if d.received_at:
        return Status.PROCESSING
    return Status.SUBMITTED


def make(
    province: Province,
    *,
    procedure: Procedure | None = None,
    agency: Agency | None = None,
    channel: int = 2,
    received: str | datetime | None = None,
    due: str | datetime | None = None,
    resolved: str | datetime | None = None,
    outcome: str = Outcome.APPROVED,
    withdrawn: str | datetime | None = None,
    stopped: str | datetime | None = None,
    refused: str | datetime | None = None,
    returned: str | datetime | None = None,
    result_channel: str = "counter",
    was_late: bool = False,
    code: str | None = None,
    applicant_name: str = "Nguyễn Văn An",
) -> Dossier:
    """Create one dossier with these dates and announce it as the workflow would."""

    def moment(value):
        return at(value) if isinstance(value, str) else value

    procedure = procedure or province.birth
    version = procedure.current_version
    competent = agency or version.competent_agency
    d = Dossier(
        code=code,
        lookup_secret="bi-mat-qr-" + (code or "x")[-8:] if code else "",
        procedure=procedure,
        procedure_version=version,
        sector=version.sector,
        applicant=province.citizen,
        applicant_name=applicant_name,
        receiving_agency=competent,
        competent_agency=competent,
        channel=channel,
        submitted_at=moment(received or refused),
        received_at=moment(received),
        due_at=moment(due),
        resolved_at=moment(resolved),
        outcome=outcome if resolved else "",
        withdrawn_at=moment(withdrawn),
        stopped_at=moment(stopped),
        refused_at=moment(refused),
        returned_at=moment(returned),
        result_channel=result_channel,
        was_late=was_late,
    )
    d.status = status_of(d)
    d.save()
    dossier_changed.send(sender=Dossier, dossier=d, before=None, after=snapshot(d))
    return d


def change(d: Dossier, **fields) -> Dossier:
    """Change fields of a dossier and announce the change with before/after snapshots."""
    before = snapshot(d)
    for name, value in fields.items():
        setattr(d, name, at(value) if isinstance(value, str) and name.endswith("_at") else value)
    d.status = status_of(d)
    d.save()
    dossier_changed.send(sender=Dossier, dossier=d, before=before, after=snapshot(d))
    return d


def local_now() -> datetime:
    return timezone.localtime()
