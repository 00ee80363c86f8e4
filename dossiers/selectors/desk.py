"""What officers read: the desk queue, the departments' worklist, the approval queue, one dossier (STYLE pattern 4).

Each list starts from what the officer may see (``portal.permissions``), hands that queryset to
``dossiers.filters.DossierFilter``, and pages it with a bounded count: a queue of a million dossiers is never counted
in full (``COUNT_LIMIT``), and the first pages come straight off an index (migration 0006).

A dossier an officer may not see answers ``None`` here and 404 in the views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from dossiers import deadlines
from dossiers.filters import DESK_CHECK_STATUSES, WORK_STATUSES, DossierFilter
from dossiers.models import (
    Attachment,
    Dossier,
    DossierEvent,
    Handover,
    IssuedDocument,
    Status,
    SupplementRequest,
)
from dossiers.models.core import CLOCK_STATUSES
from portal import clock
from portal.models import Agency, OfficerPost, User
from portal.permissions import agency_ids_where, may
from portal.selectors import calendar_for
from portal.workdays import WorkingCalendar
from procedures.models import Procedure, RouteStep

PAGE_SIZE = 25
COUNT_LIMIT = 1000


def desk_warn_hours() -> float:
    """Working hours left on the desk's check under which a row turns amber (setting ``DESK_SLA_WARN_HOURS``)."""
    return float(getattr(settings, "DESK_SLA_WARN_HOURS", 2))


# --------------------------------------------------------------------------------------------- scopes


def _in(field: str, ids: list[int] | None) -> Q:
    return Q() if ids is None else Q(**{f"{field}__in": ids})


def desk_scope(user: User) -> QuerySet[Dossier]:
    """Dossiers received (or to be received) at the desks where ``user`` is a receiving officer."""
    ids = agency_ids_where(user, "desk.receive")
    if ids == []:
        return Dossier.objects.none()
    # A draft is the applicant's own until it is submitted (or entered and taken in at the counter at once).
    return Dossier.objects.filter(_in("receiving_agency_id", ids)).exclude(status=Status.DRAFT)


def work_scope(user: User) -> QuerySet[Dossier]:
    """Dossiers now at the departments where ``user`` processes or assigns (the worklist)."""
    process = agency_ids_where(user, "dossier.process")
    assign = agency_ids_where(user, "dossier.assign")
    if process is None or assign is None:
        return Dossier.objects.filter(status__in=WORK_STATUSES)
    ids = sorted(set(process) | set(assign))
    if not ids:
        return Dossier.objects.none()
    # What is at the department now; what left it is found through the desk or the lookup.
    return Dossier.objects.filter(current_department_id__in=ids, status__in=WORK_STATUSES)


def approval_scope(user: User) -> QuerySet[Dossier]:
    """Dossiers awaiting the approval of a leader of ``user``'s agencies: the procedure's leader step names the
    approving agency, else the competent agency approves (as ``workflow.approve`` checks)."""
    ids = agency_ids_where(user, "dossier.approve")
    if ids == []:
        return Dossier.objects.none()
    awaiting = Dossier.objects.filter(status=Status.AWAITING_APPROVAL)
    if ids is None:
        return awaiting
    leader_steps = RouteStep.objects.filter(
        version_id=OuterRef("procedure_version_id"), role=RouteStep.Role.LEADER, department_id__isnull=False
    )
    return awaiting.filter(
        Exists(leader_steps.filter(department_id__in=ids)) | (Q(competent_agency_id__in=ids) & ~Exists(leader_steps))
    )


SCOPES = {"desk": desk_scope, "work": work_scope, "approval": approval_scope}


# --------------------------------------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class Deadline:
    """The deadline a row is about, how much working time is left, and its colour (ok, warn, bad, paused, none)."""

    kind: str  # "desk" (the desk's check), "due" (the appointment), "" (none)
    at: datetime | None
    hours_left: float | None
    level: str
    label: str


def _hours_text(hours: float, *, days: bool = True) -> str:
    hours = abs(hours)
    if days and hours >= 8:
        days = hours / 8
        return _("%(n)s ngày làm việc") % {"n": f"{days:.1f}".rstrip("0").rstrip(".").replace(".", ",")}
    return _("%(n)s giờ làm việc") % {"n": f"{hours:.1f}".rstrip("0").rstrip(".").replace(".", ",")}


def deadline_of(
    dossier: Dossier, *, now: datetime | None = None, calendars: dict[int | None, WorkingCalendar] | None = None
) -> Deadline:
    """The time left for ``dossier`` where it stands: the desk's check (8 working hours by default, coloured amber
    in its last ``DESK_SLA_WARN_HOURS``) or the appointment (amber within one working day, red once overdue by the
    date rule of Long An 30/2019 art 14.4 d).

    ``calendars`` (agency id → calendar) lets a page of rows build each agency's calendar once: every
    ``calendar_for`` call reads the shared calendar version from the cache.
    """
    now = now or clock.now()

    def calendar(agency: Agency | None) -> WorkingCalendar:
        if calendars is None:
            return calendar_for(agency)
        key = agency.pk if agency is not None else None
        if key not in calendars:
            calendars[key] = calendar_for(agency)
        return calendars[key]

    if dossier.status in DESK_CHECK_STATUSES:
        if dossier.status == Status.INTAKE_SUPPLEMENT:
            return Deadline("desk", None, None, "paused", _("Chờ người nộp bổ sung"))
        if dossier.desk_due_at is None:
            return Deadline("desk", None, None, "none", "")
        hours = calendar(dossier.receiving_agency).working_hours_between(now, dossier.desk_due_at)
        if hours <= 0:
            return Deadline(
                "desk",
                dossier.desk_due_at,
                hours,
                "bad",
                _("Quá hạn kiểm tra %(t)s") % {"t": _hours_text(hours, days=False)},
            )
        level = "warn" if hours <= desk_warn_hours() else "ok"
        label = _("Còn %(t)s") % {"t": _hours_text(hours, days=False)}
        return Deadline("desk", dossier.desk_due_at, hours, level, label)
    if dossier.status in CLOCK_STATUSES:
        if dossier.due_at is None:
            return Deadline("due", None, None, "paused", _("Tạm dừng tính thời hạn"))
        hours = calendar(dossier.competent_agency).working_hours_between(now, dossier.due_at)
        if deadlines.is_overdue(now=now, due_at=dossier.due_at):
            return Deadline("due", dossier.due_at, hours, "bad", _("Quá hạn %(t)s") % {"t": _hours_text(hours)})
        if hours <= 0:
            return Deadline("due", dossier.due_at, hours, "warn", _("Đến hạn trả kết quả hôm nay"))
        level = "warn" if hours <= 8 else "ok"
        return Deadline("due", dossier.due_at, hours, level, _("Còn %(t)s") % {"t": _hours_text(hours)})
    return Deadline("", None, None, "none", "")


# --------------------------------------------------------------------------------------------- pages


@dataclass
class Row:
    dossier: Dossier
    deadline: Deadline


@dataclass
class Page:
    """One page of a list, with a count that stops at ``COUNT_LIMIT`` ("more than 1,000")."""

    rows: list[Row]
    number: int
    per_page: int
    count: int
    count_is_exact: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number * self.per_page < self.count

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def last_number(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.rows)


def bounded_count(queryset: QuerySet, *, limit: int | None = None) -> tuple[int, bool]:
    """``(count, exact)``: counts at most ``limit`` + 1 rows (``SELECT COUNT(*) FROM (… LIMIT n)``)."""
    limit = COUNT_LIMIT if limit is None else limit
    found = queryset.order_by()[: limit + 1].count()
    return min(found, limit), found <= limit


def _page_ids(
    queryset: QuerySet[Dossier], *, offset: int, per_page: int, exact: bool, order: tuple[str, bool] | None
) -> list[int]:
    """The ids of one page, in order, computed on narrow rows (ids and the sort key).

    Two plans, chosen by the bounded count: a broad list (more than ``COUNT_LIMIT`` rows) is read in order straight
    off an index and stops after one page; a narrow one (a search, "overdue", a date range: at most ``COUNT_LIMIT``
    rows) is fetched whole through its filter's index and sorted here. PostgreSQL cannot tell the two apart on its
    own: asked for the order, it walks the ordering index through hundreds of thousands of rows looking for the few
    overdue ones (1.5 s at a million dossiers, against milliseconds this way).
    """
    if not exact or order is None:
        return list(queryset.values_list("pk", flat=True)[offset : offset + per_page])
    field, descending = order
    rows = list(queryset.order_by().values_list("pk", field))
    # SQL's order: ascending with NULLs last, descending with NULLs first; the pk breaks ties the same way.
    rows.sort(key=lambda row: (row[1] is None, row[1] if row[1] is not None else 0, row[0]), reverse=descending)
    return [pk for pk, _value in rows[offset : offset + per_page]]


# A page's related rows are read by one query each rather than joined: the seven-table join took PostgreSQL longer to
# plan than to run, and repeated the same few agencies and procedures on every row (17 ms against 9 ms a page).
_ROW_RELATED = (
    Prefetch("procedure", queryset=Procedure.objects.defer("search_text", "search_name")),
    "sector",
    "assignee",
    "current_department",
    "receiving_agency",
    "competent_agency",
)


def rows_by_pk(ids: list[int]) -> list[Dossier]:
    """The dossiers ``ids``, in that order, with what a list row shows of them (not their form data)."""
    found = {d.pk: d for d in Dossier.objects.filter(pk__in=ids).prefetch_related(*_ROW_RELATED).defer("form_data")}
    return [found[pk] for pk in ids if pk in found]


def page_of(
    queryset: QuerySet[Dossier], *, number: Any, per_page: int = PAGE_SIZE, order: tuple[str, bool] | None = None
) -> Page:
    try:
        number = max(1, int(number or 1))
    except (TypeError, ValueError):
        number = 1
    count, exact = bounded_count(queryset)
    last = max(1, -(-count // per_page))
    number = min(number, last)
    offset = (number - 1) * per_page
    now = clock.now()
    # Order and cut on the narrow rows, then read the page's 25 full rows with their agencies: joining and sorting
    # wide rows first costs seconds on a desk of 400,000 dossiers.
    ids = _page_ids(queryset, offset=offset, per_page=per_page, exact=exact, order=order)
    items = rows_by_pk(ids)
    calendars: dict[int | None, WorkingCalendar] = {}
    return Page(
        rows=[Row(d, deadline_of(d, now=now, calendars=calendars)) for d in items],
        number=number,
        per_page=per_page,
        count=count,
        count_is_exact=exact,
    )


@dataclass
class DossierList:
    filterset: DossierFilter
    page: Page
    queue: str


def dossier_list(*, user: User, queue: str, params: Any, request: Any = None) -> DossierList:
    """The officer's list ``queue`` ("desk", "work", "approval") filtered by ``params`` (a QueryDict)."""
    scope = SCOPES[queue](user)
    # The FilterSet reads the officer from the request (choices of procedures, "assigned to me"); the API and tests
    # may call without one.
    request = request if request is not None else SimpleNamespace(user=user)
    filterset = DossierFilter(params, queryset=scope, request=request, queue=queue)
    if not filterset.is_valid():
        return DossierList(filterset=filterset, page=page_of(scope.none(), number=1), queue=queue)
    page = page_of(filterset.qs, number=params.get("page"), order=filterset.order)
    return DossierList(filterset=filterset, page=page, queue=queue)


def queue_counts(*, user: User) -> dict[str, tuple[int, bool]]:
    """Bounded counts shown on the desk's tabs: awaiting the check, awaiting the result's return."""
    scope = desk_scope(user)
    return {
        "submitted": bounded_count(scope.filter(status=Status.SUBMITTED)),
        "result_ready": bounded_count(scope.filter(status=Status.RESULT_READY)),
        "rejected": bounded_count(scope.filter(status=Status.REJECTED)),
    }


# --------------------------------------------------------------------------------------------- one dossier


def officer_dossier(*, user: User, pk: int) -> Dossier | None:
    """The dossier if ``user`` works on it: at its desk, its competent agency, the department holding it, or an
    agency it was handed over to (liên thông). ``None`` otherwise (the views answer 404)."""
    ids = agency_ids_where(user, "dossier.view")
    if ids == []:
        return None
    dossiers = Dossier.objects.select_related(
        "procedure",
        "procedure_version",
        "sector",
        "applicant",
        "receiving_agency",
        "competent_agency",
        "current_department",
        "assignee",
    ).exclude(status=Status.DRAFT)
    if ids is not None:
        handed = Handover.objects.filter(dossier_id=OuterRef("pk"), to_agency_id__in=ids)
        dossiers = dossiers.filter(
            Q(receiving_agency_id__in=ids)
            | Q(competent_agency_id__in=ids)
            | Q(current_department_id__in=ids)
            | Exists(handed)
        )
    return dossiers.filter(pk=pk).first()


def leader_agency(dossier: Dossier) -> Agency:
    """Where the approving leader sits: the procedure's leader step, else the competent agency."""
    step = (
        dossier.procedure_version.route_steps.filter(role=RouteStep.Role.LEADER, department__isnull=False)
        .select_related("department")
        .order_by("order")
        .first()
    )
    return step.department if step else dossier.competent_agency


def handling_agency(dossier: Dossier) -> Agency:
    return dossier.current_department or dossier.competent_agency


@dataclass(frozen=True)
class Abilities:
    """What ``user`` may do on the dossier now: its state and their posts (the workflow checks both again)."""

    desk: bool
    process: bool
    assign: bool
    approve: bool
    apology: bool

    @property
    def any(self) -> bool:
        return self.desk or self.process or self.assign or self.approve or self.apology


def abilities(*, user: User, dossier: Dossier) -> Abilities:
    department = handling_agency(dossier)
    return Abilities(
        desk=may(user, "desk.receive", dossier.receiving_agency),
        process=may(user, "dossier.process", department),
        assign=may(user, "dossier.assign", department),
        approve=may(user, "dossier.approve", leader_agency(dossier)),
        apology=may(user, "apology.sign", dossier.competent_agency),
    )


def specialists_of(agency: Agency) -> QuerySet[User]:
    """Officers who may process dossiers of ``agency`` (a post at it or above it), for the assignment choice."""
    ancestor_ids = [int(part) for part in agency.path.strip("/").split("/") if part]
    posts = OfficerPost.objects.filter(
        role=OfficerPost.Role.SPECIALIST, is_active=True, agency_id__in=ancestor_ids, agency__is_active=True
    )
    return User.objects.filter(is_active=True, pk__in=posts.values("user_id")).order_by("full_name")


def transfer_targets(dossier: Dossier) -> QuerySet[Agency]:
    """Agencies a dossier may be passed to (liên thông): any other active agency that is not a desk."""
    return (
        Agency.objects.active()
        .exclude(pk=handling_agency(dossier).pk)
        .exclude(kind=Agency.Kind.CENTRE)
        .order_by("path")
    )


@dataclass
class DossierView:
    """Everything the officer's dossier page shows."""

    dossier: Dossier
    deadline: Deadline
    events: list[DossierEvent]
    attachments: list[Attachment]
    documents: list[IssuedDocument]
    handovers: list[Handover]
    supplement_requests: list[SupplementRequest]
    proposal: DossierEvent | None
    proposal_document: IssuedDocument | None
    result_document: IssuedDocument | None
    answers: list
    apology: Any


def dossier_view(dossier: Dossier) -> DossierView:
    from dossiers.workflow import current_proposal
    from procedures.eform import answers

    proposal = current_proposal(dossier) if dossier.status == Status.AWAITING_APPROVAL else None
    proposal_document = None
    if proposal is not None:
        proposal_document = IssuedDocument.objects.filter(
            dossier=dossier, pk=(proposal.data or {}).get("document")
        ).first()
    documents = list(dossier.documents.order_by("kind", "-created_at", "-pk"))
    result = next((d for d in documents if d.kind in (IssuedDocument.Kind.RESULT, IssuedDocument.Kind.REJECTION)), None)
    from dossiers.workflow import ACTION_LABELS

    events = list(dossier.events.select_related("actor").order_by("at", "pk"))
    for event in events:
        event.label = str(ACTION_LABELS.get(event.action, event.action))
    schema = dossier.procedure_version.eform_schema or {}
    try:
        form_answers = answers(schema, dossier.form_data or {}) if schema else []
    except Exception:  # an answer the schema no longer describes must not hide the dossier from the officer
        form_answers = []
    return DossierView(
        dossier=dossier,
        deadline=deadline_of(dossier),
        events=events,
        attachments=list(
            dossier.attachments.filter(removed_at__isnull=True)
            .select_related("component")
            .order_by("component__sort_order", "component_id", "version", "pk")
        ),
        documents=documents,
        handovers=list(
            dossier.handovers.select_related("from_agency", "to_agency", "from_user", "to_user").order_by("seq")
        ),
        supplement_requests=list(dossier.supplement_requests.order_by("requested_at", "pk")),
        proposal=proposal,
        proposal_document=proposal_document,
        result_document=result,
        answers=form_answers,
        apology=getattr(dossier, "apology_slip", None) if dossier.apology_issued else None,
    )
