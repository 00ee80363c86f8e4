"""Users: citizens, businesses, officers (người dùng)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.validators import normalize_phone, validate_citizen_id, validate_phone, validate_tax_code


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str | None, phone: str | None, password: str | None, **extra) -> User:
        if not email and not phone:
            raise ValueError("Cần e-mail hoặc số điện thoại.")
        user = self.model(
            email=self.normalize_email(email).lower() if email else None,
            phone=normalize_phone(phone) if phone else None,
            **extra,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str | None = None, password: str | None = None, **extra) -> User:
        phone = extra.pop("phone", None)
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, phone, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True, kind=User.Kind.OFFICER)
        extra.setdefault("full_name", "Quản trị hệ thống")
        return self._create(email, extra.pop("phone", None), password, **extra)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)

    def find_by_login(self, login: str) -> User | None:
        """The account an e-mail address or phone number belongs to (login by either)."""
        login = (login or "").strip()
        if not login:
            return None
        if "@" in login:
            return self.filter(email__iexact=login).first()
        try:
            return self.filter(phone=normalize_phone(login)).first()
        except ValueError:
            return None


class User(AbstractBaseUser, PermissionsMixin):
    """A person or organisation with an account (người dùng)."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Công dân")
        BUSINESS = "business", _("Tổ chức, doanh nghiệp")
        OFFICER = "officer", _("Cán bộ, công chức")

    class Assurance(models.IntegerChoices):
        SELF_REGISTERED = 1, _("Mức 1 — tự đăng ký")
        VERIFIED = 2, _("Mức 2 — đã xác thực trực tiếp")

    class Gender(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")
        OTHER = "other", _("Khác")

    kind = models.CharField(_("loại tài khoản"), max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    organisation_name = models.CharField(_("tên tổ chức"), max_length=255, blank=True)
    email = models.EmailField(_("thư điện tử"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("số điện thoại"), max_length=15, unique=True, null=True, blank=True, validators=[validate_phone]
    )
    email_verified_at = models.DateTimeField(_("xác minh e-mail lúc"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("xác minh số điện thoại lúc"), null=True, blank=True)
    citizen_id = models.CharField(
        _("số định danh cá nhân (CCCD)"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_citizen_id],
    )
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, null=True, blank=True, unique=True, validators=[validate_tax_code]
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    province_code = models.CharField(_("mã tỉnh"), max_length=10, blank=True)
    commune_code = models.CharField(_("mã xã"), max_length=10, blank=True)
    assurance_level = models.PositiveSmallIntegerField(
        _("mức độ xác thực"), choices=Assurance.choices, default=Assurance.SELF_REGISTERED
    )
    assurance_verified_at = models.DateTimeField(_("xác thực trực tiếp lúc"), null=True, blank=True)
    assurance_verified_by = models.ForeignKey(
        "self",
        verbose_name=_("cán bộ xác thực"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notify_by_email = models.BooleanField(_("nhận thông báo qua e-mail"), default=True)
    notify_by_sms = models.BooleanField(_("nhận thông báo qua SMS"), default=False)
    notify_by_zalo = models.BooleanField(_("nhận thông báo qua Zalo"), default=False)
    language = models.CharField(_("ngôn ngữ"), max_length=5, default="vi")
    is_staff = models.BooleanField(_("vào được trang quản trị"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    date_joined = models.DateTimeField(_("ngày đăng ký"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False), name="user_has_email_or_phone"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.organisation_name or self.full_name or self.email or self.phone or f"#{self.pk}"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else ""

    @property
    def is_officer(self) -> bool:
        return self.kind == self.Kind.OFFICER or self.is_superuser

    @property
    def login_label(self) -> str:
        return self.email or self.phone or ""

    def clean(self) -> None:
        super().clean()
        if self.email:
            self.email = self.email.strip().lower()
        if self.phone:
            self.phone = normalize_phone(self.phone)
