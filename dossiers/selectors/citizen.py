"""Reads for the citizen's pages (/ho-so/): their dossiers, what each awaits from them, the timeline, the files by
version, the documents they may download, their document store. Everything starts from the signed-in user: another
person's dossier or document is simply not found (HTTP 404), never "forbidden"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import checks
from dossiers.models import Attachment, Dossier, DossierEvent, IssuedDocument, Status, StoredDocument
from dossiers.models import SupplementRequest as SupplementRequestModel
from dossiers.models.core import CLOCK_STATUSES, OPEN_STATUSES, ResultChannel, SignatureStatus
from dossiers.services import attachments as attachment_rules
from dossiers.uploads import allowed_types, type_labels
from portal.models import User
from procedures.models import Component

S = Status

# Filters of "Hồ sơ của tôi" (slug → label, statuses).
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nhap": (gettext_lazy("Bản nháp"), (S.DRAFT,)),
    "can-bo-sung": (gettext_lazy("Cần bổ sung"), (S.INTAKE_SUPPLEMENT, S.AWAITING_SUPPLEMENT)),
    "dang-giai-quyet": (
        gettext_lazy("Đang giải quyết"),
        (S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.AWAITING_APPROVAL),
    ),
    "co-ket-qua": (gettext_lazy("Có kết quả"), (S.RESULT_READY, S.REJECTED, S.RETURNED)),
    "da-dong": (gettext_lazy("Đã rút, từ chối, dừng"), (S.WITHDRAWN, S.REFUSED, S.STOPPED)),
}

# Documents of its own dossier a citizen may download (never drafts of results or internal sheets).
CITIZEN_KINDS = (
    IssuedDocument.Kind.RECEIPT,
    IssuedDocument.Kind.SUPPLEMENT_REQUEST,
    IssuedDocument.Kind.REFUSAL,
    IssuedDocument.Kind.APOLOGY,
    IssuedDocument.Kind.STOP_NOTICE,
    IssuedDocument.Kind.APPLICATION,
    IssuedDocument.Kind.SIGNED_APPLICATION,
    IssuedDocument.Kind.REJECTION,
    IssuedDocument.Kind.RESULT,
)
RESULT_KINDS = (IssuedDocument.Kind.RESULT, IssuedDocument.Kind.REJECTION)
RESULT_STATUSES = (S.RESULT_READY, S.REJECTED, S.RETURNED)


def my_dossiers(*, user: User, group: str | None = None) -> QuerySet[Dossier]:
    """The user's dossiers, most recently changed first, optionally one group of GROUPS."""
    if user is None or not user.is_authenticated:
        return Dossier.objects.none()
    queryset = Dossier.objects.filter(applicant=user).select_related(
        "procedure", "procedure_version", "receiving_agency"
    )
    if group in GROUPS:
        queryset = queryset.filter(status__in=GROUPS[group][1])
    return queryset.order_by("-updated_at", "-pk")


def group_counts(*, user: User) -> dict[str, int]:
    counts = {slug: 0 for slug in GROUPS}
    statuses = list(Dossier.objects.filter(applicant=user).values_list("status", flat=True))
    for slug, (_label, members) in GROUPS.items():
        counts[slug] = sum(1 for status in statuses if status in members)
    return counts


def my_dossier(*, user: User, pk: int) -> Dossier:
    """The user's own dossier ``pk``; anyone else's, or none, is 404."""
    if user is None or not user.is_authenticated:
        raise Http404
    try:
        return Dossier.objects.select_related(
            "procedure", "procedure_version", "receiving_agency", "competent_agency", "sector", "applicant"
        ).get(pk=pk, applicant=user)
    except Dossier.DoesNotExist:
        raise Http404 from None


def my_attachment(*, user: User, dossier_pk: int, pk: int) -> Attachment:
    try:
        return Attachment.objects.select_related("dossier", "component").get(
            pk=pk, dossier_id=dossier_pk, dossier__applicant=user
        )
    except Attachment.DoesNotExist:
        raise Http404 from None


def my_issued_document(*, user: User, dossier: Dossier, pk: int) -> IssuedDocument:
    if dossier.applicant_id != getattr(user, "pk", None):
        raise Http404
    document = IssuedDocument.objects.filter(pk=pk, dossier=dossier, kind__in=CITIZEN_KINDS).exclude(file="").first()
    if document is None or (document.kind in RESULT_KINDS and dossier.status not in RESULT_STATUSES):
        raise Http404
    return document


def my_stored_document(*, user: User, pk: int) -> StoredDocument:
    if user is None or not user.is_authenticated:
        raise Http404
    try:
        return StoredDocument.objects.select_related("kind").get(pk=pk, owner=user)
    except StoredDocument.DoesNotExist:
        raise Http404 from None


# --------------------------------------------------------------------------------------------- one dossier


def open_supplement_request(dossier: Dossier) -> SupplementRequestModel | None:
    if dossier.status not in attachment_rules.SUPPLEMENT_STATES:
        return None
    return dossier.supplement_requests.filter(answered_at__isnull=True).order_by("-requested_at", "-pk").first()


def awaited_from_citizen(dossier: Dossier) -> str:
    """What the dossier waits for from its applicant, in a few words ("" when nothing)."""
    status = dossier.status
    if status == S.DRAFT:
        return _("Hoàn thiện và nộp hồ sơ")
    if status in attachment_rules.SUPPLEMENT_STATES:
        return _("Bổ sung hồ sơ theo yêu cầu")
    if status in (S.RESULT_READY, S.REJECTED):
        if dossier.result_channel == ResultChannel.ONLINE and status == S.RESULT_READY:
            return _("Tải kết quả trực tuyến")
        if dossier.result_channel == ResultChannel.POSTAL:
            return _("Nhận kết quả qua bưu chính")
        if dossier.signature_status == SignatureStatus.AT_PICKUP and status == S.RESULT_READY:
            return _("Đến nhận kết quả; ký đơn và mang bản gốc giấy tờ để đối chiếu")
        return _("Đến nhận kết quả tại nơi tiếp nhận")
    return ""


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    action: str
    label: str
    note: str
    by_applicant: bool


def timeline(dossier: Dossier) -> list[TimelineEntry]:
    """The public events of the dossier, oldest first (what the citizen and the QR lookup see)."""
    from dossiers.workflow import ACTION_LABELS

    events = DossierEvent.objects.filter(dossier=dossier, public=True).order_by("at", "pk")
    return [
        TimelineEntry(
            at=e.at,
            action=e.action,
            label=_(ACTION_LABELS.get(e.action, e.action)),
            note=e.note,
            by_applicant=e.actor_id == dossier.applicant_id,
        )
        for e in events.only("at", "action", "note", "actor_id")
    ]


@dataclass
class FileRound:
    """The files given in one round: the first submission (version 1) or a supplement (2, 3, …)."""

    version: int
    title: str
    files: list[Attachment] = field(default_factory=list)
    removed: list[Attachment] = field(default_factory=list)


def round_title(version: int) -> str:
    return _("Lần nộp đầu") if version == 1 else _("Bổ sung lần %(n)s") % {"n": version - 1}


def files_by_version(dossier: Dossier) -> list[FileRound]:
    rounds: dict[int, FileRound] = {}
    rows = Attachment.objects.filter(dossier=dossier).select_related("component").order_by("version", "uploaded_at")
    for row in rows:
        bucket = rounds.setdefault(row.version, FileRound(row.version, round_title(row.version)))
        (bucket.removed if row.removed_at else bucket.files).append(row)
    return [rounds[v] for v in sorted(rounds)]


def citizen_documents(dossier: Dossier) -> list[IssuedDocument]:
    """The documents issued for the dossier that its applicant may download, newest of each kind first."""
    kinds = [k for k in CITIZEN_KINDS if k not in RESULT_KINDS or dossier.status in RESULT_STATUSES]
    kinds = [k for k in kinds if k != IssuedDocument.Kind.APPLICATION]
    documents = IssuedDocument.objects.filter(dossier=dossier, kind__in=kinds).exclude(file="")
    latest: dict[str, IssuedDocument] = {}
    supplement_requests = []
    for document in documents.order_by("-created_at", "-pk"):
        if document.kind == IssuedDocument.Kind.SUPPLEMENT_REQUEST:
            if document.number not in {d.number for d in supplement_requests}:
                supplement_requests.append(document)
        elif document.kind not in latest:
            latest[document.kind] = document
    return [*latest.values(), *supplement_requests]


def receipt_available(dossier: Dossier) -> bool:
    """Mẫu 01 exists (or can be produced) once the desk accepted the dossier and gave it a code."""
    return bool(dossier.code and dossier.received_at)


def due_explanation(dossier: Dossier) -> list[str]:
    """The appointment explained in words, while the processing clock exists."""
    if dossier.status not in CLOCK_STATUSES and dossier.status not in RESULT_STATUSES:
        return []
    if dossier.received_at is None:
        return []
    from dossiers import clock

    try:
        return list(clock.explain(dossier).lines)
    except Exception:  # an explanation is a courtesy: a calendar gap must not break the dossier page
        return []


def can_withdraw(dossier: Dossier) -> bool:
    from dossiers.workflow import TRANSITIONS

    return dossier.status in TRANSITIONS["withdraw"]


def is_open(dossier: Dossier) -> bool:
    return dossier.status in OPEN_STATUSES


# --------------------------------------------------------------------------------------------- components


@dataclass
class ComponentRow:
    """A component of the dossier on the files page: its current files, earlier versions, store offers."""

    component: Component
    files: list[Attachment]
    earlier: list[Attachment]
    offers: list[StoredDocument]
    eform_stands_for: bool
    types_label: str
    accept: str
    can_add: bool
    errors: list[str] = field(default_factory=list)

    @property
    def satisfied(self) -> bool:
        return bool(self.files or self.earlier) or self.eform_stands_for or not self.component.required


def component_rows(dossier: Dossier, *, today: date, errors: dict[int, list[str]] | None = None) -> list[ComponentRow]:
    from dossiers.uploads import TYPES

    version = attachment_rules.current_version(dossier)
    components = list(
        dossier.procedure_version.components.prefetch_related("document_kinds").order_by("sort_order", "pk")
    )
    offers = store_offers(owner=dossier.applicant, components=components, today=today)
    rows_by_component: dict[int, list[Attachment]] = {}
    earlier_by_component: dict[int, list[Attachment]] = {}
    for row in Attachment.objects.filter(dossier=dossier, removed_at__isnull=True).order_by("version", "uploaded_at"):
        target = rows_by_component if row.version == version else earlier_by_component
        target.setdefault(row.component_id, []).append(row)
    out = []
    for component in components:
        types = allowed_types(component)
        current = rows_by_component.get(component.pk, [])
        used = {a.source_document_id for a in current if a.source_document_id}
        out.append(
            ComponentRow(
                component=component,
                files=current,
                earlier=earlier_by_component.get(component.pk, []),
                offers=[d for d in offers.get(component.pk, []) if d.pk not in used],
                eform_stands_for=checks.eform_stands_for(component, dossier.procedure_version),
                types_label=type_labels(types),
                accept=",".join(ext for t in types for ext in TYPES[t]["extensions"]),
                can_add=attachment_rules.can_change_files(dossier) and len(current) < component.max_files,
                errors=(errors or {}).get(component.pk, []),
            )
        )
    return out


# --------------------------------------------------------------------------------------------- document store


def store_documents(*, owner: User) -> QuerySet[StoredDocument]:
    return (
        StoredDocument.objects.filter(owner=owner)
        .select_related("kind", "verified_by")
        .order_by("kind__name", "-created_at")
    )


def store_offers(*, owner: User, components: list[Component], today: date) -> dict[int, list[StoredDocument]]:
    """Per component id, the owner's stored documents that can stand for it today (verified ones first)."""
    from dossiers.uploads import TYPES

    kinds_by_component = {c.pk: {k.pk for k in c.document_kinds.all()} for c in components}
    wanted = set().union(*kinds_by_component.values()) if kinds_by_component else set()
    if not wanted:
        return {}
    documents = list(
        StoredDocument.objects.filter(owner=owner, kind_id__in=wanted)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("kind")
    )
    documents.sort(key=lambda d: (d.verified_at is None, -d.created_at.timestamp()))
    offers = {}
    for component in components:
        mimes = {TYPES[t]["mime"] for t in allowed_types(component)}
        kinds = kinds_by_component.get(component.pk, set())
        offers[component.pk] = [d for d in documents if d.kind_id in kinds and d.content_type in mimes]
    return offers
