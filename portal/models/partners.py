"""Partner systems that call the API with a key (hệ thống đối tác: Cổng DVC quốc gia, bưu chính)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerSystem(models.Model):
    class Scope(models.TextChoices):
        PUSH_DOSSIERS = "dossiers:push", _("Gửi hồ sơ")
        READ_STATUS = "dossiers:status", _("Đọc trạng thái hồ sơ")
        POSTAL = "postal", _("Bưu chính: nhận, trả hồ sơ")

    code = models.SlugField(_("mã hệ thống"), max_length=40, unique=True)
    name = models.CharField(_("tên hệ thống"), max_length=200)
    key_prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("quyền"), default=list)
    agency = models.ForeignKey(
        "portal.Agency",
        verbose_name=_("giới hạn trong cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Để trống: mọi cơ quan của tỉnh."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hệ thống đối tác")
        verbose_name_plural = _("hệ thống đối tác")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def issue_key(self) -> str:
        """Make a new key, store only its hash, and return it once for the administrator to hand over."""
        prefix = secrets.token_hex(4)
        key = f"mc_{prefix}_{secrets.token_urlsafe(32)}"
        self.key_prefix = prefix
        self.key_hash = self.hash_key(key)
        return key

    def has_scope(self, scope: str) -> bool:
        return self.is_active and scope in (self.scopes or [])
