"""Forms of the account pages. They check the shape of the input; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Agency, User

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]


def date_field(label: str, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def password_field(label: str, *, autocomplete: str = "new-password", help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


NEW_PASSWORD_HELP = _("Ít nhất 8 ký tự, không toàn chữ số, không quá giống thông tin cá nhân.")


class NewPasswordMixin(forms.Form):
    new_password1 = password_field(_("Mật khẩu mới"), help_text=NEW_PASSWORD_HELP)
    new_password2 = password_field(_("Nhập lại mật khẩu mới"))

    def clean_new_password2(self) -> str:
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise forms.ValidationError(_("Hai mật khẩu không giống nhau."))
        return second


class LoginForm(forms.Form):
    # Named "username" because django-axes counts failures by this field.
    username = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "inputmode": "email"}),
    )
    password = password_field(_("Mật khẩu"), autocomplete="current-password")


class RegistrationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại tài khoản"),
        choices=[(User.Kind.CITIZEN, _("Công dân")), (User.Kind.BUSINESS, _("Tổ chức, doanh nghiệp"))],
        initial=User.Kind.CITIZEN,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=200,
        help_text=_("Với tổ chức: họ tên người đại diện."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    citizen_id = forms.CharField(
        label=_("Số định danh cá nhân (CCCD)"),
        max_length=12,
        required=False,
        help_text=_("12 chữ số, in trên thẻ căn cước / căn cước công dân."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = date_field(_("Ngày sinh"))
    gender = forms.ChoiceField(label=_("Giới tính"), choices=[("", "—"), *User.Gender.choices], required=False)
    organisation_name = forms.CharField(label=_("Tên tổ chức, doanh nghiệp"), max_length=255, required=False)
    tax_code = forms.CharField(
        label=_("Mã số thuế"),
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        required=False,
        help_text=_("Cần ít nhất thư điện tử hoặc số điện thoại; mã xác minh được gửi tới từng địa chỉ."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(label=_("Địa chỉ liên hệ"), max_length=255, required=False)
    password1 = password_field(_("Mật khẩu"), help_text=NEW_PASSWORD_HELP)
    password2 = password_field(_("Nhập lại mật khẩu"))
    accept = forms.BooleanField(
        label=_("Tôi cam đoan thông tin đã khai là đúng và đồng ý với quy định sử dụng Cổng Dịch vụ công."),
        required=True,
    )

    def data_object(self) -> Any:
        from portal.accounts.services import RegistrationData

        c = self.cleaned_data
        return RegistrationData(
            kind=c.get("kind") or "",
            full_name=c.get("full_name") or "",
            password=c.get("password1") or "",
            email=c.get("email") or "",
            phone=c.get("phone") or "",
            citizen_id=c.get("citizen_id") or "",
            date_of_birth=c.get("date_of_birth"),
            gender=c.get("gender") or "",
            organisation_name=c.get("organisation_name") or "",
            tax_code=c.get("tax_code") or "",
            address=c.get("address") or "",
        )

    def clean(self) -> dict[str, Any]:
        from portal.accounts.services import registration_problems

        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("Hai mật khẩu không giống nhau."))
        if not self.errors:
            for field, problems in registration_problems(self.data_object()).items():
                target = "password1" if field == "password" else field
                for problem in problems:
                    self.add_error(target if target in self.fields else None, problem)
        return cleaned


class CodeForm(forms.Form):
    """One per address on the verification page, prefixed with its channel ("email-code", "sms-code")."""

    code = forms.CharField(
        label=_("Mã xác minh"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}),
    )


class ResetRequestForm(forms.Form):
    login = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại của tài khoản"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


class ResetWithCodeForm(NewPasswordMixin):
    login = forms.CharField(label=_("Thư điện tử hoặc số điện thoại"), max_length=254)
    code = forms.CharField(
        label=_("Mã xác minh"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    field_order = ["login", "code", "new_password1", "new_password2"]


class SetPasswordForm(NewPasswordMixin):
    pass


class PasswordChangeForm(NewPasswordMixin):
    old_password = password_field(_("Mật khẩu hiện tại"), autocomplete="current-password")
    field_order = ["old_password", "new_password1", "new_password2"]


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    citizen_id = forms.CharField(label=_("Số định danh cá nhân (CCCD)"), max_length=12, required=False)
    date_of_birth = date_field(_("Ngày sinh"))
    gender = forms.ChoiceField(label=_("Giới tính"), choices=[("", "—"), *User.Gender.choices], required=False)
    organisation_name = forms.CharField(label=_("Tên tổ chức, doanh nghiệp"), max_length=255, required=False)
    address = forms.CharField(label=_("Địa chỉ liên hệ"), max_length=255, required=False)
    notify_by_email = forms.BooleanField(label=_("Thư điện tử"), required=False)
    notify_by_sms = forms.BooleanField(label=_("Tin nhắn SMS"), required=False)
    notify_by_zalo = forms.BooleanField(label=_("Zalo"), required=False)

    def __init__(self, *args: Any, user: User, locked: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name in locked:
            self.fields[name].disabled = True
            self.fields[name].help_text = _("Đã được cán bộ xác thực; liên hệ bộ phận một cửa nếu cần sửa.")
        if user.kind != User.Kind.BUSINESS:
            del self.fields["organisation_name"]

    def data_object(self) -> Any:
        from portal.accounts.services import ProfileData

        c = self.cleaned_data
        return ProfileData(
            full_name=c.get("full_name") or "",
            citizen_id=c.get("citizen_id") or "",
            date_of_birth=c.get("date_of_birth"),
            gender=c.get("gender") or "",
            organisation_name=c.get("organisation_name") or self.user.organisation_name,
            address=c.get("address") or "",
            notify_by_email=bool(c.get("notify_by_email")),
            notify_by_sms=bool(c.get("notify_by_sms")),
            notify_by_zalo=bool(c.get("notify_by_zalo")),
        )


class ContactChangeForm(forms.Form):
    channel = forms.ChoiceField(choices=[("email", "email"), ("sms", "sms")], widget=forms.HiddenInput)
    new_address = forms.CharField(label=_("Địa chỉ mới"), max_length=254)
    password = password_field(_("Mật khẩu hiện tại"), autocomplete="current-password")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực"),
        max_length=16,
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "numeric"}),
    )


class IdentitySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Số CCCD, mã số thuế, số điện thoại hoặc thư điện tử"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class IdentityCheckForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Nơi xác thực"), queryset=Agency.objects.none())
    document_number = forms.CharField(
        label=_("Số trên giấy tờ gốc"),
        max_length=14,
        help_text=_("Số CCCD trên thẻ (công dân), hoặc mã số thuế trên giấy chứng nhận (tổ chức)."),
    )
    date_of_birth = date_field(_("Ngày sinh trên thẻ"))
    gender = forms.ChoiceField(label=_("Giới tính trên thẻ"), choices=[("", "—"), *User.Gender.choices], required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=200, required=False)
    confirmed = forms.BooleanField(label=_("Tôi đã đối chiếu giấy tờ gốc với người đến làm thủ tục."), required=True)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()
