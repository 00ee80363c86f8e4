"""The dossier (hồ sơ) and its append-only event log (phiếu kiểm soát quá trình)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import clock  # business moments follow the portal clock (tests move it for every process)
from portal.models.append_only import AppendOnlyModel


class Status(models.TextChoices):
    """Lifecycle states (DESIGN §4). Only dossiers/workflow.py changes a dossier's status."""

    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp, chờ tiếp nhận")
    INTAKE_SUPPLEMENT = "intake_supplement", _("Chờ bổ sung trước khi tiếp nhận")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Chờ bổ sung hồ sơ")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ lãnh đạo phê duyệt")
    REJECTED = "rejected", _("Không giải quyết (có văn bản trả lời)")
    RESULT_READY = "result_ready", _("Đã có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")
    STOPPED = "stopped", _("Dừng giải quyết")


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.INTAKE_SUPPLEMENT,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.AWAITING_SUPPLEMENT,
    Status.AWAITING_APPROVAL,
)
# States in which the processing clock exists (the dossier was officially received and is not resolved).
CLOCK_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT, Status.AWAITING_APPROVAL)


class NationalStatus(models.IntegerChoices):
    """Status codes of the national public service portal sync (DESIGN §8)."""

    REGISTERED = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    NOT_RECEIVED = 3, _("Không được tiếp nhận")
    IN_PROCESS = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung")
    FINANCIAL_OBLIGATION = 6, _("Yêu cầu nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    PROCESSED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


NATIONAL_STATUS = {
    Status.DRAFT: None,
    Status.SUBMITTED: NationalStatus.REGISTERED,
    Status.INTAKE_SUPPLEMENT: NationalStatus.SUPPLEMENT_REQUESTED,
    Status.REFUSED: NationalStatus.NOT_RECEIVED,
    Status.RECEIVED: NationalStatus.RECEIVED,
    Status.PROCESSING: NationalStatus.IN_PROCESS,
    Status.AWAITING_SUPPLEMENT: NationalStatus.SUPPLEMENT_REQUESTED,
    Status.AWAITING_APPROVAL: NationalStatus.IN_PROCESS,
    Status.REJECTED: NationalStatus.PROCESSED,
    Status.RESULT_READY: NationalStatus.PROCESSED,
    Status.RETURNED: NationalStatus.RETURNED,
    Status.WITHDRAWN: NationalStatus.WITHDRAWN,
    Status.STOPPED: NationalStatus.STOPPED,
}


class Channel(models.IntegerChoices):
    """How the dossier came in (ND 61/2018 art 16; national channel codes)."""

    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Qua bưu chính")


class ResultChannel(models.TextChoices):
    ONLINE = "online", _("Nhận trực tuyến")
    COUNTER = "counter", _("Nhận tại bộ phận một cửa")
    POSTAL = "postal", _("Nhận qua bưu chính")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Giải quyết")
    REJECTED = "rejected", _("Không giải quyết")


class SignatureStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Không yêu cầu ký số")
    VALID = "valid", _("Đã ký số hợp lệ")
    INVALID = "invalid", _("Chữ ký số không hợp lệ")
    AT_PICKUP = "at_pickup", _("Ký khi nhận kết quả")


class Dossier(models.Model):
    """A dossier (hồ sơ) submitted against one version of a procedure."""

    code = models.CharField(_("mã hồ sơ"), max_length=50, unique=True, null=True, blank=True)
    lookup_secret = models.CharField(max_length=32, blank=True, editable=False)
    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    sector = models.ForeignKey(
        "procedures.Sector", verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nộp"), on_delete=models.PROTECT, related_name="dossiers"
    )
    # What the applicant declared on this dossier (kept as submitted, for the forms and the lookup).
    applicant_name = models.CharField(_("tên người nộp"), max_length=255)
    applicant_id_number = models.CharField(_("số định danh / mã số thuế"), max_length=20, blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    receiving_agency = models.ForeignKey(
        "portal.Agency", verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="received_dossiers"
    )
    competent_agency = models.ForeignKey(
        "portal.Agency",
        verbose_name=_("cơ quan chủ trì giải quyết"),
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
    )
    current_department = models.ForeignKey(
        "portal.Agency",
        verbose_name=_("đơn vị đang xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ đang xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_dossiers",
    )
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    form_data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    result_channel = models.CharField(
        _("hình thức nhận kết quả"), max_length=10, choices=ResultChannel.choices, default=ResultChannel.COUNTER
    )
    outcome = models.CharField(_("kết quả giải quyết"), max_length=10, choices=Outcome.choices, blank=True)
    signature_status = models.CharField(
        _("chữ ký số của đơn"),
        max_length=14,
        choices=SignatureStatus.choices,
        default=SignatureStatus.NOT_REQUIRED,
    )
    postal_tracking_number = models.CharField(_("số hiệu bưu gửi (nộp)"), max_length=40, blank=True)
    return_tracking_number = models.CharField(_("số hiệu bưu gửi (trả)"), max_length=40, blank=True)

    created_at = models.DateTimeField(_("tạo lúc"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    desk_due_at = models.DateTimeField(_("hạn kiểm tra, tiếp nhận"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("rút hồ sơ lúc"), null=True, blank=True)
    refused_at = models.DateTimeField(_("từ chối lúc"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("dừng giải quyết lúc"), null=True, blank=True)
    was_late = models.BooleanField(_("đã từng trễ hạn"), default=False)
    apology_issued = models.BooleanField(_("đã có phiếu xin lỗi"), default=False)
    partner = models.ForeignKey(
        "portal.PartnerSystem",
        verbose_name=_("gửi qua hệ thống"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    partner_reference = models.CharField(_("mã hồ sơ bên gửi"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["receiving_agency", "status", "desk_due_at"]),
            models.Index(fields=["competent_agency", "status", "due_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["status", "due_at"]),
            # The departments' worklists, the tracking book and the desk's search (dossiers/selectors/desk.py);
            # the prefix search on code and the name search have PostgreSQL-only indexes (migration 0006).
            models.Index(fields=["current_department", "status", "due_at"], name="dossier_worklist_idx"),
            models.Index(fields=["receiving_agency", "received_at"], name="dossier_received_idx"),
            models.Index(fields=["receiving_agency", "due_at"], name="dossier_desk_due_idx"),
            models.Index(fields=["receiving_agency", "submitted_at"], name="dossier_desk_submitted_idx"),
            models.Index(fields=["applicant_id_number"], name="dossier_applicant_idn_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "partner_reference"],
                condition=~models.Q(partner_reference=""),
                name="unique_partner_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def national_status(self) -> int | None:
        return NATIONAL_STATUS[Status(self.status)]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DossierEvent(AppendOnlyModel):
    """One row per transition or action (phiếu kiểm soát quá trình), never edited."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("thời điểm"))
    # Append-only: the actor's id and label stay even if the account is deleted (the trigger refuses SET NULL).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=255, blank=True)
    action = models.CharField(_("hành động"), max_length=40)
    from_status = models.CharField(_("từ trạng thái"), max_length=20, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=20, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)
    due_before = models.DateTimeField(_("hạn trước"), null=True, blank=True)
    due_after = models.DateTimeField(_("hạn sau"), null=True, blank=True)
    public = models.BooleanField(_("người nộp được xem"), default=True)

    class Meta:
        verbose_name = _("diễn biến hồ sơ")
        verbose_name_plural = _("diễn biến hồ sơ")
        ordering = ["dossier", "at", "pk"]
        indexes = [models.Index(fields=["dossier", "at"])]

    def __str__(self) -> str:
        return f"{self.dossier} {self.action} {self.at:%d/%m/%Y %H:%M}"
