"""The procedure catalogue (danh mục thủ tục hành chính).

A Procedure is the stable identity (its national code); every rule that a dossier depends on lives on a
ProcedureVersion, so that a dossier keeps the version in force on the day it was received.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# File types a component may accept (content is checked on upload by the submission code).
UPLOAD_TYPES = ("pdf", "jpeg", "png", "docx", "xlsx", "xml", "zip")


def fee_list_problems(fees: object) -> list[str]:
    """Problems of a fee list ``[{"label": …, "amount": …, "note": …}]`` (amount in đồng, whole number ≥ 0)."""
    if fees in (None, ""):
        return []
    if not isinstance(fees, list):
        return [str(_('Phí, lệ phí phải là danh sách [{"label": …, "amount": …, "note": …}].'))]
    problems = []
    for index, fee in enumerate(fees, start=1):
        if not isinstance(fee, dict) or not str(fee.get("label", "")).strip():
            problems.append(str(_("Khoản phí thứ %(n)s cần có tên (label).") % {"n": index}))
            continue
        extra = sorted(set(fee) - {"label", "amount", "note"})
        if extra:
            problems.append(
                str(
                    _("Khoản phí “%(label)s” có mục không dùng được: %(keys)s.")
                    % {"label": fee["label"], "keys": ", ".join(extra)}
                )
            )
        amount = fee.get("amount")
        try:
            ok = not isinstance(amount, bool) and Decimal(str(amount)) >= 0 and Decimal(str(amount)) % 1 == 0
        except InvalidOperation:
            ok = False
        if not ok:
            problems.append(
                str(_("Khoản phí “%(label)s”: số tiền phải là số đồng nguyên, không âm.") % {"label": fee["label"]})
            )
    return problems


class Sector(models.Model):
    """A sector (lĩnh vực), e.g. Hộ tịch, Đăng ký kinh doanh."""

    code = models.CharField(_("mã lĩnh vực"), max_length=30, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.Model):
    """A kind of document a citizen may keep in their store and reuse (loại giấy tờ), e.g. CCCD, giấy khai sinh."""

    code = models.SlugField(_("mã loại giấy tờ"), max_length=50, unique=True)
    name = models.CharField(_("tên loại giấy tờ"), max_length=200)

    class Meta:
        verbose_name = _("loại giấy tờ")
        verbose_name_plural = _("loại giấy tờ")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AdministrativeLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class ServiceLevel(models.IntegerChoices):
    """Online service levels (ND 43/2011 art 3; Bình Định 44/2019 art 2.4)."""

    LEVEL_1 = 1, _("Mức độ 1 — cung cấp thông tin")
    LEVEL_2 = 2, _("Mức độ 2 — tải biểu mẫu")
    LEVEL_3 = 3, _("Mức độ 3 — nộp hồ sơ trực tuyến")
    LEVEL_4 = 4, _("Mức độ 4 — nộp, thanh toán và nhận kết quả trực tuyến")


class TimeUnit(models.TextChoices):
    # The label follows a number ("5 ngày làm việc"); the context keeps "ngày" apart from "ngày" meaning a date.
    WORKING_DAYS = "working_days", pgettext_lazy("time unit", "ngày làm việc")
    WORKING_HOURS = "working_hours", pgettext_lazy("time unit", "giờ làm việc")
    CALENDAR_DAYS = "calendar_days", pgettext_lazy("time unit", "ngày")


class SupplementPolicy(models.TextChoices):
    """What a supplement during appraisal does to the clock (ND 61/2018 art 19.4: restart is the rule)."""

    RESTART = "restart", _("Tính lại từ đầu khi nhận đủ hồ sơ bổ sung")
    RESUME = "resume", _("Tiếp tục thời gian còn lại")


class ProcedureQuerySet(models.QuerySet):
    def published(self) -> ProcedureQuerySet:
        """Procedures with a version in force: the public catalogue."""
        return self.filter(current_version__isnull=False)


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính), identified by its national code.

    The name, sector, levels and agencies are copied here from the version in force so that the catalogue
    lists and searches one table. ``procedures.services`` keeps the copy right (publish, and when a version
    published ahead of time comes into force: ``next_version_at``).
    """

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500, blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("lĩnh vực"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    administrative_level = models.CharField(
        _("cấp thực hiện"), max_length=10, choices=AdministrativeLevel.choices, blank=True
    )
    service_level = models.PositiveSmallIntegerField(
        _("mức độ dịch vụ"), choices=ServiceLevel.choices, null=True, blank=True
    )
    competent_agency = models.ForeignKey(
        "portal.Agency",
        verbose_name=_("cơ quan giải quyết"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    search_text = models.TextField(editable=False, blank=True, help_text="lower-cased, accents removed")
    search_name = models.TextField(editable=False, blank=True, help_text="the name, lower-cased, accents removed")
    current_version = models.ForeignKey(
        "ProcedureVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_version_at = models.DateTimeField(
        _("phiên bản mới có hiệu lực lúc"),
        null=True,
        blank=True,
        editable=False,
        help_text="when a version published ahead of time comes into force",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]
        indexes = [models.Index(fields=["next_version_at"], name="procedure_next_version_idx")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def is_online(self) -> bool:
        return (self.service_level or 0) >= 3


class ProcedureVersion(models.Model):
    """Everything a dossier depends on, as published from a date (phiên bản thủ tục)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã công bố")
        SUPERSEDED = "superseded", _("Đã thay thế")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản số"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateTimeField(_("có hiệu lực từ"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_note = models.CharField(_("nội dung thay đổi"), max_length=500, blank=True)
    publication_decision = models.CharField(
        _("quyết định công bố"),
        max_length=255,
        blank=True,
        help_text=_("Số, ngày của quyết định công bố thủ tục, ví dụ 1234/QĐ-UBND ngày 01/7/2025."),
    )
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    name = models.CharField(_("tên thủ tục"), max_length=500)
    sector = models.ForeignKey(Sector, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="versions")
    administrative_level = models.CharField(_("cấp thực hiện"), max_length=10, choices=AdministrativeLevel.choices)
    service_level = models.PositiveSmallIntegerField(_("mức độ dịch vụ"), choices=ServiceLevel.choices)
    competent_agency = models.ForeignKey(
        "portal.Agency", verbose_name=_("cơ quan giải quyết"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_agencies = models.ManyToManyField(
        "portal.Agency", verbose_name=_("nơi tiếp nhận"), related_name="+", blank=True
    )
    processing_time_value = models.DecimalField(_("thời hạn giải quyết"), max_digits=6, decimal_places=1)
    processing_time_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=14, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    supplement_policy = models.CharField(
        _("khi bổ sung hồ sơ"), max_length=8, choices=SupplementPolicy.choices, default=SupplementPolicy.RESTART
    )
    fees = models.JSONField(
        _("phí, lệ phí"), default=list, blank=True, help_text=_('Danh sách [{"label": …, "amount": …, "note": …}].')
    )
    fee_rule = models.TextField(_("cách tính phí"), blank=True)
    fee_exemptions = models.TextField(_("đối tượng miễn, giảm"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    requirements = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    procedure_steps = models.TextField(_("trình tự thực hiện"), blank=True)
    applicant_types = models.CharField(_("đối tượng thực hiện"), max_length=255, blank=True)
    result_type = models.CharField(_("kết quả"), max_length=500, blank=True)
    submission_methods = models.TextField(_("cách thức nộp"), blank=True)
    result_methods = models.TextField(_("cách thức nhận kết quả"), blank=True)
    required_assurance_level = models.PositiveSmallIntegerField(
        _("mức xác thực tài khoản cần có"), default=1, choices=((1, _("Mức 1")), (2, _("Mức 2")))
    )
    requires_signature = models.BooleanField(_("yêu cầu ký số đơn"), default=False)
    requires_payment = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    eform_schema = models.JSONField(_("biểu mẫu điện tử"), default=dict, blank=True)
    keywords = models.CharField(
        _("từ khoá"), max_length=500, blank=True, help_text=_("Các từ người dân hay dùng để tìm thủ tục này.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_procedure_version_number"),
        ]
        indexes = [models.Index(fields=["procedure", "status", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    @property
    def accepts_online(self) -> bool:
        return self.service_level >= 3

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def clean(self) -> None:
        from procedures.eform import validate_schema

        errors: dict[str, list[str]] = {}
        if self.eform_schema:
            problems = validate_schema(self.eform_schema)
            if problems:
                errors["eform_schema"] = problems
        fee_problems = fee_list_problems(self.fees)
        if fee_problems:
            errors["fees"] = fee_problems
        if errors:
            raise ValidationError(errors)

    @property
    def offers_templates(self) -> bool:
        """Form templates are offered for download from level 2 (ND 43/2011 art 3; Bình Định 44/2019 art 2.4)."""
        return self.service_level >= 2


class Component(models.Model):
    """A document the dossier must or may contain (thành phần hồ sơ)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=1)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    template_file = models.FileField(_("mẫu đơn, tờ khai"), upload_to="procedure-templates/", blank=True)
    template_label = models.CharField(
        _("tên mẫu"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Tờ khai đăng ký khai sinh (Mẫu ban hành kèm TT 04/2020/TT-BTP)."),
    )
    document_kinds = models.ManyToManyField(
        DocumentKind, verbose_name=_("giấy tờ trong kho có thể dùng"), blank=True, related_name="components"
    )
    allowed_types = models.JSONField(
        _("định dạng cho phép"), default=list, blank=True, help_text=_('Ví dụ ["pdf", "jpeg", "png"].')
    )
    max_files = models.PositiveSmallIntegerField(_("số tệp tối đa"), default=5)
    max_size_mb = models.PositiveSmallIntegerField(_("dung lượng tối đa mỗi tệp (MB)"), default=10)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = [t for t in (self.allowed_types or []) if t not in UPLOAD_TYPES]
        if not isinstance(self.allowed_types, list) or unknown:
            raise ValidationError(
                {
                    "allowed_types": _("Định dạng không hỗ trợ: %(types)s. Dùng được: %(known)s.")
                    % {"types": ", ".join(map(str, unknown)) or "?", "known": ", ".join(UPLOAD_TYPES)}
                }
            )


class RouteStep(models.Model):
    """A step of the default processing route (quy trình nội bộ), with its share of the time limit."""

    class Role(models.TextChoices):
        RECEIVER = "receiver", _("Bộ phận một cửa")
        SPECIALIST = "specialist", _("Chuyên viên")
        LEADER = "leader", _("Lãnh đạo")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="route_steps")
    order = models.PositiveSmallIntegerField(_("bước"))
    name = models.CharField(_("tên bước"), max_length=255)
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices)
    department = models.ForeignKey(
        "portal.Agency",
        verbose_name=_("đơn vị thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    share_percent = models.DecimalField(_("tỷ lệ thời gian (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="unique_route_step_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    def clean(self) -> None:
        if self.share_percent is not None and not 0 < self.share_percent <= 100:
            raise ValidationError({"share_percent": _("Tỷ lệ thời gian phải lớn hơn 0 và không quá 100%.")})
