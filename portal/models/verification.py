"""One-time codes for verifying an e-mail address or phone number and for resetting a password."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VerificationCode(models.Model):
    class Purpose(models.TextChoices):
        VERIFY_EMAIL = "verify_email", _("Xác minh e-mail")
        VERIFY_PHONE = "verify_phone", _("Xác minh số điện thoại")
        RESET_PASSWORD = "reset_password", _("Đặt lại mật khẩu")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="codes")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    destination = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác minh")
        verbose_name_plural = _("mã xác minh")
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.destination}"
