"""Audit log of security-relevant actions (nhật ký bảo mật), append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .append_only import AppendOnlyModel


class AuditEntry(AppendOnlyModel):
    class Action(models.TextChoices):
        LOGIN = "login", _("Đăng nhập")
        LOGIN_FAILED = "login_failed", _("Đăng nhập thất bại")
        LOCKED_OUT = "locked_out", _("Bị khoá do đăng nhập sai nhiều lần")
        LOGOUT = "logout", _("Đăng xuất")
        REGISTERED = "registered", _("Đăng ký tài khoản")
        CONTACT_VERIFIED = "contact_verified", _("Xác minh e-mail/số điện thoại")
        PASSWORD_CHANGED = "password_changed", _("Đổi mật khẩu")
        PASSWORD_RESET = "password_reset", _("Đặt lại mật khẩu")
        OTP_ENROLLED = "otp_enrolled", _("Kích hoạt xác thực hai lớp")
        OTP_FAILED = "otp_failed", _("Mã xác thực hai lớp sai")
        ROLE_GRANTED = "role_granted", _("Giao chức trách")
        ROLE_REVOKED = "role_revoked", _("Thu hồi chức trách")
        ASSURANCE_RAISED = "assurance_raised", _("Nâng mức xác thực")
        PROFILE_CHANGED = "profile_changed", _("Sửa hồ sơ cá nhân")
        API_KEY = "api_key", _("Cấp khoá API")
        OFFICER_ACTION = "officer_action", _("Thao tác của cán bộ")
        CALENDAR_CHANGED = "calendar_changed", _("Sửa lịch làm việc")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    # Append-only rows keep the user's id and label: no cascade or SET NULL may touch them (the trigger refuses).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=255, blank=True)
    action = models.CharField(_("hành động"), max_length=30, choices=Action.choices, db_index=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    target_label = models.CharField(_("đối tượng"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký bảo mật")
        verbose_name_plural = _("nhật ký bảo mật")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()} {self.actor_label}"
