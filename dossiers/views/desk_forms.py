"""Forms of the officers' pages. They only read and tidy what was typed; every rule is checked by the services and
the workflow, which the HTML pages and the API share."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.core import Channel, Outcome, ResultChannel
from portal.models import Agency, User
from portal.widgets import LongSelect

TEXTAREA = {"rows": 3}


class DeskForm(forms.Form):
    """Several forms share one dossier page: each gets its own element ids (``<id_prefix>-<field>``)."""

    id_prefix = "f"
    use_required_attribute = False  # the error summary at the top says what is missing, not the browser

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class SupplementItemForm(DeskForm):
    """One thing to add or correct, with its reason (Mẫu 02: "nội dung cần bổ sung" and "lý do")."""

    id_prefix = "sup"

    item = forms.CharField(label=_("Giấy tờ, nội dung cần bổ sung"), max_length=500, required=False)
    reason = forms.CharField(label=_("Lý do"), max_length=1000, required=False)


SupplementItemFormSet = forms.formset_factory(SupplementItemForm, extra=3, max_num=30, absolute_max=30)


class SupplementNoteForm(DeskForm):
    id_prefix = "supnote"

    note = forms.CharField(
        label=_("Hướng dẫn thêm cho người nộp (nếu có)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class RefuseForm(DeskForm):
    id_prefix = "refuse"

    reasons = forms.CharField(
        label=_("Lý do từ chối (mỗi lý do một dòng)"),
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Nêu cụ thể, ví dụ: hồ sơ không thuộc thẩm quyền giải quyết của cơ quan."),
    )


class AssignForm(DeskForm):
    id_prefix = "assign"

    to_user = forms.ModelChoiceField(label=_("Giao cho chuyên viên"), queryset=User.objects.none())
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)

    def __init__(self, *args, specialists=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if specialists is not None:
            self.fields["to_user"].queryset = specialists
            only = list(specialists[:2])
            if len(only) == 1:  # a specialist taking the dossier: themselves, already chosen
                self.fields["to_user"].empty_label = None
                self.fields["to_user"].initial = only[0].pk
        self.fields["to_user"].label_from_instance = lambda user: user.full_name or user.display_name


class WorkForm(DeskForm):
    id_prefix = "work"

    KIND_CHOICES = (("verify", _("Xác minh, thẩm định")), ("consult", _("Lấy ý kiến cơ quan phối hợp")))

    kind = forms.ChoiceField(label=_("Loại công việc"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Nội dung, kết quả"), max_length=4000, widget=forms.Textarea(attrs=TEXTAREA))
    place = forms.CharField(label=_("Địa điểm (nếu xác minh tại chỗ)"), required=False, max_length=255)
    participants = forms.CharField(
        label=_("Thành phần tham gia / cơ quan được hỏi ý kiến"), required=False, max_length=500
    )


class TransferForm(DeskForm):
    id_prefix = "transfer"

    to_agency = forms.ModelChoiceField(label=_("Chuyển đến cơ quan"), queryset=Agency.objects.none(), widget=LongSelect)
    share_days = forms.DecimalField(
        label=_("Thời gian giao cho cơ quan này (ngày làm việc)"),
        required=False,
        min_value=0.5,
        max_value=365,
        decimal_places=1,
        help_text=_("Để trống để dùng tỷ lệ thời gian của bước thẩm định trong quy trình."),
    )
    lead = forms.BooleanField(label=_("Cơ quan này chủ trì giải quyết"), required=False)
    note = forms.CharField(label=_("Nội dung đề nghị phối hợp"), required=False, max_length=1000)

    def __init__(self, *args, agencies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["to_agency"].queryset = agencies
        self.fields["to_agency"].label_from_instance = lambda agency: f"{agency.name} ({agency.code})"


class ProposeForm(DeskForm):
    id_prefix = "propose"

    SOURCE_CHOICES = (("upload", _("Tải lên tệp PDF dự thảo")), ("generate", _("Soạn văn bản trên hệ thống")))

    outcome = forms.ChoiceField(
        label=_("Đề xuất"),
        choices=((Outcome.APPROVED, _("Giải quyết (trình kết quả)")), (Outcome.REJECTED, _("Không giải quyết"))),
        widget=forms.RadioSelect,
        initial=Outcome.APPROVED,
    )
    note = forms.CharField(
        label=_("Ý kiến trình / lý do không giải quyết"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    source = forms.ChoiceField(
        label=_("Dự thảo văn bản"), choices=SOURCE_CHOICES, widget=forms.RadioSelect, initial="generate"
    )
    file = forms.FileField(label=_("Tệp PDF dự thảo"), required=False)
    number = forms.CharField(label=_("Số, ký hiệu văn bản (nếu có)"), required=False, max_length=60)
    title = forms.CharField(label=_("Tên văn bản"), required=False, max_length=255)
    body = forms.CharField(
        label=_("Nội dung văn bản"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean(self):
        data = super().clean()
        if data.get("source") == "upload" and not data.get("file"):
            self.add_error("file", _("Chọn tệp PDF dự thảo."))
        if data.get("source") == "generate":
            if not (data.get("title") or "").strip():
                self.add_error("title", _("Nhập tên văn bản."))
            if not (data.get("body") or "").strip():
                self.add_error("body", _("Nhập nội dung văn bản."))
        if data.get("outcome") == Outcome.REJECTED and not (data.get("note") or "").strip():
            self.add_error("note", _("Nêu lý do không giải quyết."))
        return data


class SendBackForm(DeskForm):
    id_prefix = "sendback"

    comment = forms.CharField(label=_("Ý kiến của lãnh đạo"), max_length=4000, widget=forms.Textarea(attrs=TEXTAREA))


class ApologyForm(DeskForm):
    id_prefix = "apology"

    reason = forms.CharField(label=_("Lý do chậm trễ"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA))
    new_due_date = forms.DateField(label=_("Ngày hẹn trả mới"), widget=forms.DateInput(attrs={"type": "date"}))
    new_due_time = forms.TimeField(
        label=_("Giờ hẹn trả mới"), initial=time(16, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    legal_basis = forms.CharField(label=_("Căn cứ (nếu có)"), required=False, max_length=255)

    @property
    def new_due_at(self) -> datetime:
        return datetime.combine(
            self.cleaned_data["new_due_date"], self.cleaned_data["new_due_time"], tzinfo=timezone.get_current_timezone()
        )


class StopForm(DeskForm):
    id_prefix = "stop"

    reason = forms.CharField(label=_("Lý do dừng giải quyết"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA))


class EarlyNoticeForm(DeskForm):
    id_prefix = "early"

    note = forms.CharField(label=_("Lời nhắn cho người nộp (nếu có)"), required=False, max_length=500)


class ReturnForm(DeskForm):
    id_prefix = "return"

    channel = forms.ChoiceField(
        label=_("Hình thức trả kết quả"), choices=ResultChannel.choices, widget=forms.RadioSelect
    )
    received_by_name = forms.CharField(
        label=_("Họ tên người nhận kết quả (tại bộ phận một cửa)"), required=False, max_length=255
    )
    tracking_number = forms.CharField(label=_("Số hiệu bưu gửi (trả qua bưu chính)"), required=False, max_length=40)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)


class TrackingBookForm(DeskForm):
    id_prefix = "book"

    agency = forms.ModelChoiceField(label=_("Bộ phận tiếp nhận"), queryset=Agency.objects.none())
    start = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, agencies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
            only = list(agencies[:2])
            if len(only) == 1:
                self.fields["agency"].initial = only[0].pk

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


# --------------------------------------------------------------------------------------------- counter intake


class IntakeStartForm(DeskForm):
    """Where, which procedure, which channel, and who (found by CCCD, phone or e-mail)."""

    id_prefix = "start"

    agency = forms.ModelChoiceField(label=_("Bộ phận tiếp nhận"), queryset=Agency.objects.none())
    channel = forms.TypedChoiceField(
        label=_("Kênh nộp"),
        coerce=int,
        choices=((Channel.IN_PERSON, Channel.IN_PERSON.label), (Channel.POSTAL, Channel.POSTAL.label)),
        widget=forms.RadioSelect,
        initial=Channel.IN_PERSON,
    )
    q = forms.CharField(
        label=_("Tìm người nộp theo số CCCD, mã số thuế, số điện thoại hoặc thư điện tử"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, agencies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
            only = list(agencies[:2])
            if len(only) == 1:
                self.fields["agency"].initial = only[0].pk


class ApplicantForm(DeskForm):
    """A new account for the walk-in applicant (assurance level 1)."""

    id_prefix = "applicant"

    kind = forms.ChoiceField(
        label=_("Loại người nộp"),
        choices=((User.Kind.CITIZEN, _("Công dân")), (User.Kind.BUSINESS, _("Tổ chức, doanh nghiệp"))),
        widget=forms.RadioSelect,
        initial=User.Kind.CITIZEN,
    )
    full_name = forms.CharField(label=_("Họ và tên (người nộp hoặc người đại diện)"), max_length=200)
    citizen_id = forms.CharField(label=_("Số định danh cá nhân (CCCD)"), required=False, max_length=12)
    organisation_name = forms.CharField(label=_("Tên tổ chức, doanh nghiệp"), required=False, max_length=255)
    tax_code = forms.CharField(label=_("Mã số thuế"), required=False, max_length=14)
    phone = forms.CharField(label=_("Số điện thoại di động"), required=False, max_length=20)
    email = forms.CharField(label=_("Thư điện tử"), required=False, max_length=254)
    address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=255)


class IntakeDetailsForm(DeskForm):
    """What the counter adds to the e-form: the post's tracking number, how the result is collected, the sets."""

    id_prefix = "details"

    postal_tracking_number = forms.CharField(label=_("Số hiệu bưu gửi"), required=False, max_length=40)
    result_channel = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=ResultChannel.choices,
        widget=forms.RadioSelect,
        initial=ResultChannel.COUNTER,
    )
    sets = forms.IntegerField(label=_("Số bộ hồ sơ"), min_value=1, max_value=20, initial=1)
