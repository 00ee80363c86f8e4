"""Filters of the officers' dossier lists (STYLE pattern 4): the desk queue, the departments' worklist, the approval
queue. The selector (``dossiers/selectors/desk.py``) gives the FilterSet a queryset already scoped to what the officer
may see; the FilterSet only narrows and orders it. HTML and API share it.

Every filter and sort keeps the query on an index at a million dossiers (migrations 0006, 0009): the scope is
``receiving_agency``/``current_department`` + ``status``, the default order follows the deadline of that queue, the
search is an exact CCCD, a code prefix or a trigram match on the name.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier, Status
from dossiers.models.core import CLOCK_STATUSES, Channel
from dossiers.selectors import lookup as lookup_selectors
from portal import clock
from portal.permissions import agency_ids_where
from portal.widgets import LongSelect
from procedures.models import Procedure, ProcedureVersion, Sector

# Pseudo-status: every state in which the dossier is being handled by the departments.
OPEN = "open"
DESK_STATUSES = (
    Status.SUBMITTED,
    Status.INTAKE_SUPPLEMENT,
    Status.RESULT_READY,
    Status.REJECTED,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.AWAITING_SUPPLEMENT,
    Status.AWAITING_APPROVAL,
    Status.RETURNED,
    Status.REFUSED,
    Status.WITHDRAWN,
    Status.STOPPED,
)
WORK_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT, Status.AWAITING_APPROVAL)
# Where the deadline of the row is the desk's check (8 working hours), not the appointment.
DESK_CHECK_STATUSES = (Status.SUBMITTED, Status.INTAKE_SUPPLEMENT)

SORTS = {
    "deadline": _("Hạn xử lý (gần nhất trước)"),
    "-deadline": _("Hạn xử lý (xa nhất trước)"),
    "submitted": _("Ngày nộp (cũ nhất trước)"),
    "-submitted": _("Ngày nộp (mới nhất trước)"),
    "received": _("Ngày tiếp nhận (cũ nhất trước)"),
    "-received": _("Ngày tiếp nhận (mới nhất trước)"),
    "code": _("Mã hồ sơ"),
}

CITIZEN_ID = re.compile(r"^\d{9}$|^\d{12}$")
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _start_of_today() -> datetime:
    return _day_start(clock.today())


def scoped_agency_ids(request) -> list[int] | None:
    """Agencies whose dossiers the officer works on (any role); None for a superuser."""
    user = getattr(request, "user", None)
    return agency_ids_where(user, "dossier.view")


def procedures_for(request) -> QuerySet[Procedure]:
    """Procedures the officer's agencies receive or decide (the choices of the procedure filter)."""
    ids = scoped_agency_ids(request)
    procedures = Procedure.objects.published()
    if ids is None:
        return procedures.order_by("name")
    receiving = ProcedureVersion.receiving_agencies.through.objects.filter(agency_id__in=ids).values(
        "procedureversion_id"
    )
    versions = ProcedureVersion.objects.filter(Q(pk__in=receiving) | Q(competent_agency_id__in=ids)).values(
        "procedure_id"
    )
    return procedures.filter(pk__in=versions).order_by("name")


def sectors_for(request) -> QuerySet[Sector]:
    return Sector.objects.filter(is_active=True, pk__in=procedures_for(request).values("sector_id")).order_by(
        "sort_order", "name"
    )


class DossierFilter(django_filters.FilterSet):
    """Filters and sort of an officer's dossier list (danh sách hồ sơ của cán bộ).

    ``queue`` is ``desk`` (the one-stop desk), ``work`` (the departments) or ``approval`` (leaders); it sets the
    status choices and the default status.
    """

    q = django_filters.CharFilter(
        label=_("Tìm theo mã hồ sơ, tên hoặc số CCCD"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=(), method="filter_status", empty_label=_("Tất cả trạng thái")
    )
    procedure = django_filters.ModelChoiceFilter(
        label=_("Thủ tục"),
        queryset=procedures_for,
        to_field_name="code",
        empty_label=_("Tất cả thủ tục"),
        widget=LongSelect,
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Lĩnh vực"),
        queryset=sectors_for,
        to_field_name="code",
        empty_label=_("Tất cả lĩnh vực"),
        widget=LongSelect,
    )
    channel = django_filters.ChoiceFilter(label=_("Kênh nộp"), choices=Channel.choices, empty_label=_("Tất cả kênh"))
    received_from = django_filters.DateFilter(
        label=_("Tiếp nhận từ ngày"), method="filter_received_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = django_filters.DateFilter(
        label=_("Tiếp nhận đến ngày"), method="filter_received_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    due_from = django_filters.DateFilter(
        label=_("Hạn từ ngày"), method="filter_due_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = django_filters.DateFilter(
        label=_("Hạn đến ngày"), method="filter_due_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = django_filters.BooleanFilter(
        label=_("Chỉ hồ sơ quá hạn"), method="filter_overdue", widget=forms.CheckboxInput
    )
    mine = django_filters.BooleanFilter(
        label=_("Chỉ hồ sơ giao cho tôi"), method="filter_mine", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sắp xếp"), choices=tuple(SORTS.items()), method="filter_nothing", empty_label=None
    )

    class Meta:
        model = Dossier
        fields = ["q", "status", "procedure", "sector", "channel"]

    def __init__(self, data=None, queryset=None, *, request=None, queue: str = "desk", prefix=None) -> None:
        self.queue = queue
        data = data.copy() if data is not None else {}
        if "status" not in data:
            data["status"] = self.default_status
        # Unchecked boxes are absent from the query: they mean "no restriction", not "false".
        for name in ("overdue", "mine"):
            if data.get(name) not in ("on", "true", "True", "1"):
                data.pop(name, None)
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        self.filters["status"].extra["choices"] = self.status_choices
        self.form.fields["status"].choices = [("", _("Tất cả trạng thái")), *self.status_choices]
        if queue == "approval":
            del self.form.fields["status"]

    # --- queue presets --------------------------------------------------------------------------------------------

    @property
    def default_status(self) -> str:
        return {"desk": Status.SUBMITTED, "work": OPEN, "approval": Status.AWAITING_APPROVAL}.get(self.queue, "")

    @property
    def status_choices(self) -> list[tuple[str, str]]:
        if self.queue == "work":
            return [(OPEN, _("Đang giải quyết")), *[(s.value, s.label) for s in WORK_STATUSES]]
        if self.queue == "approval":
            return [(Status.AWAITING_APPROVAL.value, Status.AWAITING_APPROVAL.label)]
        return [(s.value, s.label) for s in DESK_STATUSES]

    @property
    def status_value(self) -> str:
        if not self.form.is_bound or not self.is_valid():
            return self.default_status
        return self.form.cleaned_data.get("status") or ""

    @property
    def deadline_field(self) -> str:
        """Which deadline the list is about: the desk's check for dossiers awaiting it, the appointment otherwise."""
        return "desk_due_at" if self.status_value in DESK_CHECK_STATUSES else "due_at"

    # --- filters --------------------------------------------------------------------------------------------------

    def filter_nothing(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        return queryset  # the sort is applied last, in filter_queryset

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == OPEN:
            return queryset.filter(status__in=WORK_STATUSES)
        return queryset.filter(status=value) if value else queryset

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """An exact CCCD or tax code, a code (or its beginning), otherwise a part of the applicant's name."""
        query = " ".join((value or "").split())
        if not query:
            return queryset
        if CITIZEN_ID.match(query) or TAX_CODE.match(query):
            return queryset.filter(applicant_id_number=query)
        code = lookup_selectors.normalize_code(query)
        if re.match(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}", code) or re.match(r"^\d{3}\.", code):
            return queryset.filter(code__startswith=code)
        return queryset.filter(applicant_name__icontains=query)

    def filter_received_from(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(received_at__gte=_day_start(value))

    def filter_received_to(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(received_at__lt=_day_start(value + timedelta(days=1)))

    def filter_due_from(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(**{f"{self.deadline_field}__gte": _day_start(value)})

    def filter_due_to(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(**{f"{self.deadline_field}__lt": _day_start(value + timedelta(days=1))})

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        """Past the desk's check (by the moment), or past the appointment date while being handled (by the date:
        Long An 30/2019 art 14.4 d, as ``deadlines.classify_open``)."""
        if not value:
            return queryset
        now = clock.now()
        return queryset.filter(
            Q(status__in=DESK_CHECK_STATUSES, desk_due_at__lt=now)
            | Q(status__in=CLOCK_STATUSES, due_at__lt=_start_of_today())
        )

    def filter_mine(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return queryset
        return queryset.filter(assignee=user)

    # --- order ----------------------------------------------------------------------------------------------------

    @property
    def sort_value(self) -> str:
        if self.form.is_bound and self.is_valid():
            return self.form.cleaned_data.get("sort") or "deadline"
        return "deadline"

    @property
    def order(self) -> tuple[str, bool]:
        """``(field, descending)`` of the chosen sort (the pk breaks ties in the same direction)."""
        sort = self.sort_value
        field = {
            "deadline": self.deadline_field,
            "submitted": "submitted_at",
            "received": "received_at",
            "code": "code",
        }.get(sort.lstrip("-"), self.deadline_field)
        return field, sort.startswith("-")

    # Filters on time: the rows they keep lie together along the deadline and date indexes.
    TIME_FILTERS = ("received_from", "received_to", "due_from", "due_to", "overdue")

    @property
    def time_bounded(self) -> bool:
        data = self.form.cleaned_data if self.is_valid() else {}
        return any(data.get(name) not in (None, "", False) for name in self.TIME_FILTERS)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        field, descending = self.order
        # Read in order straight off a btree index (plain ASC/DESC: PostgreSQL puts NULLs last ascending, first
        # descending, as the index does) and stop after one page: a procedure, a sector, a channel or a name keeps
        # rows spread over the whole queue, so a page's worth turns up at once. A period does not: its rows lie
        # together along the dates, and walking the deadline index to reach them reads half the desk (0.5 s for a
        # month at a million dossiers). Then the filter's own index finds them first and they are sorted after:
        # ordering by COALESCE(f, f) — the same order, NULLs included — keeps the planner off the ordering index.
        key = Coalesce(F(field), F(field)) if self.time_bounded else F(field)
        return queryset.order_by(key.desc() if descending else key.asc(), "-pk" if descending else "pk")
