"""Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (request to supplement; ND 61/2018 art 15.3, 17, 19.4).

Everything missing is asked at once, with its reason (một lần đầy đủ). Fields (research/regulations.md §2): number
(…/PBS-…); date; applicant; the request; address; phone; e-mail; the items to complete (1..n); the reason; a contact
person and phone for help; the signature of the guiding officer.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dossiers.models import Dossier, IssuedDocument, SupplementRequest
from portal.models import User

from . import formatting, numbering
from .common import DocumentNotAvailable, DocumentSpec, common_context, letterhead, person_name, title_of

KIND = IssuedDocument.Kind.SUPPLEMENT_REQUEST
TEMPLATE = "dossiers/documents/mau02_supplement_request.html"
PAGE_SIZE = "A5"
SERIES = numbering.Series.SUPPLEMENT_REQUEST


def the_request(dossier: Dossier, request: SupplementRequest | None = None) -> SupplementRequest:
    request = request or dossier.supplement_requests.order_by("-requested_at", "-pk").first()
    if request is None or request.dossier_id != dossier.pk:
        raise DocumentNotAvailable(_("Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện."))
    return request


def subject(request: SupplementRequest) -> str:
    return f"supplement_request:{request.pk}"


def issuer(dossier: Dossier, request: SupplementRequest):
    """At intake the desk asks; during appraisal the competent agency asks, through the desk (ND 61 art 19.4)."""
    if request.stage == SupplementRequest.Stage.INTAKE:
        return dossier.receiving_agency
    return dossier.current_department or dossier.competent_agency


def items_of(request: SupplementRequest) -> list[dict[str, str]]:
    rows = []
    for raw in request.items or []:
        if isinstance(raw, dict):
            rows.append({"item": str(raw.get("item", "")).strip(), "reason": str(raw.get("reason", "")).strip()})
        else:
            rows.append({"item": str(raw).strip(), "reason": ""})
    return [row for row in rows if row["item"] or row["reason"]]


def build(
    dossier: Dossier, *, by: User | None = None, supplement_request: SupplementRequest | None = None, **extra: Any
) -> DocumentSpec:
    request = the_request(dossier, supplement_request)
    agency = issuer(dossier, request)
    requested = formatting.local(request.requested_at)
    number = numbering.allocate(agency=agency, year=requested.year, series=SERIES, subject=subject(request))
    officer = request.requested_by or by
    context = {
        **common_context(dossier),
        "letterhead": letterhead(agency, desk=request.stage == SupplementRequest.Stage.INTAKE),
        "place_date": formatting.place_and_date(request.requested_at),
        "request": request,
        "stage_label": request.get_stage_display(),
        "items": items_of(request),
        "officer_name": person_name(officer),
        "officer_title": title_of(officer, agency),
        # Who to call for help: the officer who asked, else the agency's desk line.
        "contact_name": person_name(officer) or agency.name,
        "contact_phone": (officer.phone if officer and officer.phone else "") or agency.phone,
        "agency_name": agency.name,
    }
    return DocumentSpec(kind=KIND, template=TEMPLATE, page_size=PAGE_SIZE, context=context, number=number)
