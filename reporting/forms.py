"""Input of the statistics: a period and a filter, shared by the dashboard, the exports and the open-data API."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers.models import Channel
from portal import clock
from portal.models import Agency
from portal.widgets import LongSelect
from procedures.models import Procedure, Sector
from reporting import stats
from reporting.selectors import GROUPINGS, StatQuery

FIRST_YEAR = 2000


class FilterFields(forms.Form):
    """The filter of point 2: an agency and its sub-tree, a sector, a procedure, an intake channel (by code)."""

    agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan"),
        queryset=Agency.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("Toàn tỉnh"),
        widget=LongSelect,
        error_messages={"invalid_choice": gettext_lazy("Không có cơ quan với mã này.")},
    )
    sector = forms.ModelChoiceField(
        label=gettext_lazy("Lĩnh vực"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("Tất cả lĩnh vực"),
        widget=LongSelect,
        error_messages={"invalid_choice": gettext_lazy("Không có lĩnh vực với mã này.")},
    )
    procedure = forms.ModelChoiceField(
        label=gettext_lazy("Thủ tục"),
        queryset=Procedure.objects.all(),
        to_field_name="code",
        required=False,
        widget=LongSelect,
        error_messages={"invalid_choice": gettext_lazy("Không có thủ tục với mã này.")},
    )
    channel = forms.TypedChoiceField(
        label=gettext_lazy("Kênh nộp"),
        choices=[("", gettext_lazy("Tất cả các kênh")), *Channel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def query(self, period: stats.Period) -> StatQuery:
        data = self.cleaned_data
        return StatQuery(
            period=period,
            agency=data.get("agency"),
            sector=data.get("sector"),
            procedure=data.get("procedure"),
            channel=data.get("channel"),
        )


class ApiQueryForm(FilterFields):
    """``/api/v1/stats/?from=&to=&group_by=&agency=&sector=&procedure=&channel=``"""

    from_ = forms.DateField(label="from", required=False, input_formats=["%Y-%m-%d"])
    to = forms.DateField(label="to", required=False, input_formats=["%Y-%m-%d"])
    group_by = forms.ChoiceField(choices=[("", "")] + [(g, g) for g in GROUPINGS], required=False)

    def __init__(self, data=None, **kwargs) -> None:
        if data is not None:
            data = data.copy()
            if "from" in data:
                data["from_"] = data.get("from")
        super().__init__(data, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        today = clock.today()
        start = data.get("from_") or date(today.year, 1, 1)
        end = data.get("to") or today
        if start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."), code="period")
        data["period"] = stats.Period(start, end)
        return data


class PeriodForm(FilterFields):
    """The dashboard's period picker: a month, a quarter, a year, or any dates (custom)."""

    KIND_CHOICES = [
        ("month", gettext_lazy("Tháng")),
        ("quarter", gettext_lazy("Quý")),
        ("year", gettext_lazy("Năm")),
        ("custom", gettext_lazy("Tùy chọn")),
    ]
    kind = forms.ChoiceField(label=gettext_lazy("Kỳ báo cáo"), choices=KIND_CHOICES, required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("Năm"), coerce=int, required=False, empty_value=None)
    month = forms.TypedChoiceField(
        label=gettext_lazy("Tháng"),
        choices=[(m, m) for m in range(1, 13)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quý"),
        choices=[(1, "I"), (2, "II"), (3, "III"), (4, "IV")],
        coerce=int,
        required=False,
        empty_value=None,
    )
    start = forms.DateField(
        label=gettext_lazy("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, **kwargs) -> None:
        super().__init__(data, **kwargs)
        today = clock.today()
        self.fields["year"].choices = [(y, y) for y in range(today.year, FIRST_YEAR - 1, -1)]
        self.fields["month"].choices = [(m, _("Tháng %(m)s") % {"m": m}) for m in range(1, 13)]
        # The procedure list is long: the dashboard filters by procedure through links, not a select.
        self.fields["procedure"].widget = forms.HiddenInput()

    def clean(self) -> dict:
        data = super().clean()
        today = clock.today()
        kind = data.get("kind") or "year"
        year = data.get("year") or today.year
        if kind == "month":
            data["period"] = stats.Period.month(year, data.get("month") or today.month)
        elif kind == "quarter":
            data["period"] = stats.Period.quarter(year, data.get("quarter") or (today.month - 1) // 3 + 1)
        elif kind == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None:
                self.add_error("start", _("Hãy chọn ngày bắt đầu."))
            if end is None:
                self.add_error("end", _("Hãy chọn ngày kết thúc."))
            if start and end and start > end:
                self.add_error("end", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
            if start and end and start <= end:
                data["period"] = stats.Period(start, end)
        else:
            data["period"] = stats.Period.year(year)
        data["kind"] = kind
        return data
