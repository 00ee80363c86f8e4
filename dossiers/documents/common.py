"""What the forms share: the document being built, the letterhead, the applicant block, who signed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from dossiers.models import Dossier, DossierEvent
from portal.exceptions import PortalError
from portal.models import Agency, OfficerPost, User

from . import formatting
from .numbering import Number


class DocumentNotAvailable(PortalError):
    """The paper cannot be made yet: the dossier has not reached the step it records, or a field it needs is
    missing. Nothing is stored."""

    code = "document_not_available"


@dataclass(frozen=True)
class DocumentSpec:
    """A paper ready to render: which template, on which paper, with which data and number."""

    kind: str
    template: str
    page_size: str
    context: dict[str, Any] = field(default_factory=dict)
    number: Number | None = None

    @property
    def number_text(self) -> str:
        return self.number.text if self.number else ""


def letterhead(agency: Agency, *, desk: bool = False) -> dict[str, str]:
    """The issuer block top left: the managing body above, the issuing unit below (bold).

    Desk forms (Mẫu 01–03) are issued by the agency's one-stop desk (Bộ phận tiếp nhận và trả kết quả); a public
    administration centre is itself the desk, so it is named once.
    """
    if desk and agency.kind != Agency.Kind.CENTRE:
        return {"superior": agency.name, "unit": "Bộ phận tiếp nhận và trả kết quả"}
    return {"superior": agency.parent.name if agency.parent_id else "", "unit": agency.name}


def applicant(dossier: Dossier) -> dict[str, str]:
    return {
        "name": dossier.applicant_name or dossier.applicant.display_name,
        "id_number": dossier.applicant_id_number,
        "address": dossier.applicant_address or dossier.applicant.address,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
    }


def person_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.display_name


def title_of(user: User | None, agency: Agency | None) -> str:
    """The officer's title (chức vụ) at ``agency`` or the nearest agency above it, if recorded."""
    if user is None or agency is None:
        return ""
    ids = [int(part) for part in agency.path.strip("/").split("/") if part]
    posts = OfficerPost.objects.filter(user=user, agency_id__in=ids, is_active=True).exclude(title="")
    best = max(posts.select_related("agency"), key=lambda p: p.agency.depth, default=None)
    return best.title if best else ""


def last_event(
    dossier: Dossier, *, actions: tuple[str, ...] = (), to_status: tuple[str, ...] = ()
) -> DossierEvent | None:
    """The latest event of ``dossier`` with one of ``actions`` or entering one of ``to_status``."""
    condition = Q(action__in=actions) | Q(to_status__in=to_status)
    return dossier.events.filter(condition).select_related("actor").order_by("-at", "-pk").first()


def common_context(dossier: Dossier) -> dict[str, Any]:
    """Fields most forms print: the dossier, its procedure and the applicant."""
    version = dossier.procedure_version
    return {
        "dossier": dossier,
        "code": dossier.code or "",
        "procedure_name": version.name or dossier.procedure.name,
        "procedure_code": dossier.procedure.code,
        "applicant": applicant(dossier),
        "received_text": formatting.moment_text(dossier.received_at),
        "due_text": formatting.moment_text(dossier.due_at),
        "time_limit": formatting.duration_text(
            version.processing_time_value, version.get_processing_time_unit_display()
        ),
    }
