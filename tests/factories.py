"""factory_boy factories for the core models. Apps' tests extend these rather than write their own."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from dossiers.models import Attachment, Dossier
from portal.models import Agency, OfficerPost, User
from procedures.models import Component, DocumentKind, Procedure, ProcedureVersion, Sector
from tests.moments import MINIMAL_PDF


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    kind = User.Kind.CITIZEN
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-an-toan-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CitizenFactory(UserFactory):
    citizen_id = factory.Sequence(lambda n: f"0792{n:08d}")


class OfficerFactory(UserFactory):
    kind = User.Kind.OFFICER
    email = factory.Sequence(lambda n: f"canbo{n}@longan.gov.vn")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.{n // 100:02d}.{n % 100:02d}.H41")
    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm {n}")
    kind = Agency.Kind.DEPARTMENT


class OfficerPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerPost

    user = factory.SubFactory(OfficerFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = OfficerPost.Role.RECEIVER


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"LV{n:03d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class DocumentKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentKind
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"kind-{n}")
    name = factory.Sequence(lambda n: f"Loại giấy tờ {n}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"1.{n:06d}")


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    """A published version; the procedure's copied fields are refreshed to match."""

    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = ProcedureVersion.Status.PUBLISHED
    effective_from = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=365))
    published_at = factory.LazyAttribute(lambda o: o.effective_from)
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    sector = factory.SubFactory(SectorFactory)
    administrative_level = "province"
    service_level = 3
    competent_agency = factory.SubFactory(AgencyFactory)
    processing_time_value = Decimal("5")
    processing_time_unit = "working_days"
    supplement_policy = "restart"

    @factory.post_generation
    def _publish(obj, create, extracted, **kwargs):
        if not create:
            return
        if obj.status == ProcedureVersion.Status.PUBLISHED:
            Procedure.objects.filter(pk=obj.procedure_id).update(
                name=obj.name,
                sector=obj.sector,
                administrative_level=obj.administrative_level,
                service_level=obj.service_level,
                competent_agency=obj.competent_agency,
                current_version=obj,
            )
            obj.procedure.refresh_from_db()


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    version = factory.SubFactory(ProcedureVersionFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ {n}")
    required = True
    allowed_types = factory.LazyFunction(lambda: ["pdf", "jpeg", "png"])


class DossierFactory(factory.django.DjangoModelFactory):
    """A draft dossier; move it with dossiers.workflow, never by setting status by hand in behaviour tests."""

    class Meta:
        model = Dossier

    procedure_version = factory.SubFactory(ProcedureVersionFactory)
    procedure = factory.LazyAttribute(lambda o: o.procedure_version.procedure)
    sector = factory.LazyAttribute(lambda o: o.procedure_version.sector)
    applicant = factory.SubFactory(CitizenFactory)
    applicant_name = factory.LazyAttribute(lambda o: o.applicant.full_name)
    applicant_id_number = factory.LazyAttribute(lambda o: o.applicant.citizen_id or "")
    applicant_email = factory.LazyAttribute(lambda o: o.applicant.email or "")
    applicant_phone = factory.LazyAttribute(lambda o: o.applicant.phone or "")
    receiving_agency = factory.LazyAttribute(lambda o: o.procedure_version.competent_agency)
    competent_agency = factory.LazyAttribute(lambda o: o.procedure_version.competent_agency)
    channel = Dossier._meta.get_field("channel").default


def attach_file(
    dossier: Dossier, component, *, name: str = "don.pdf", content: bytes = MINIMAL_PDF, version: int = 1
) -> Attachment:
    """A PDF attached by the applicant to ``component`` of ``dossier``, stored like an upload."""
    attachment = Attachment(
        dossier=dossier,
        component=component,
        version=version,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=dossier.applicant,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment
