"""Agencies (cơ quan, đơn vị) as a tree of any depth, and officers' posts in them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class AgencyQuerySet(models.QuerySet):
    def subtree(self, agency: Agency) -> AgencyQuerySet:
        """The agency and all its descendants (one indexed prefix query on the materialised path)."""
        return self.filter(path__startswith=agency.path)

    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)


class Agency(models.Model):
    """A node of the province's administrative tree (cơ quan, đơn vị).

    Both the seed-era three levels (province → department / district → commune) and the two levels in force
    since 1/7/2025 (province → department / commune public-administration centre) are just data.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("UBND cấp tỉnh")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        CENTRE = "centre", _("Trung tâm Phục vụ hành chính công")
        DISTRICT = "district", _("UBND cấp huyện")
        COMMUNE = "commune", _("UBND cấp xã")
        DIVISION = "division", _("Phòng, đơn vị chuyên môn")
        OTHER = "other", _("Đơn vị khác")

    code = models.CharField(
        _("mã định danh"),
        max_length=40,
        unique=True,
        help_text=_("Mã định danh điện tử theo QCVN 102:2016/BTTTT, ví dụ 000.00.31.H56."),
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang thông tin"), blank=True)
    desk_hours = models.JSONField(
        _("giờ làm việc của bộ phận một cửa"),
        null=True,
        blank=True,
        help_text=_(
            'Các ca làm việc trong ngày, ví dụ [["07:30", "11:30"], ["13:00", "17:00"]]. '
            "Để trống để dùng giờ chung của tỉnh."
        ),
    )
    desk_hours_note = models.CharField(_("ghi chú giờ tiếp nhận"), max_length=255, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            prefix = self.parent.path if self.parent_id else "/"
            new_path = f"{prefix}{self.pk}/"
            if new_path != old_path:
                depth = new_path.count("/") - 2
                type(self).objects.filter(pk=self.pk).update(path=new_path, depth=depth)
                if old_path:
                    # Move the whole sub-tree with it.
                    for child in type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                        child_path = new_path + child.path[len(old_path) :]
                        type(self).objects.filter(pk=child.pk).update(path=child_path, depth=child_path.count("/") - 2)
                self.path, self.depth = new_path, depth

    def clean(self) -> None:
        from portal.workdays import parse_intervals

        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Một cơ quan không thể là cấp trên của chính nó.")})
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("Không thể chọn một đơn vị cấp dưới làm cấp trên.")})
        if self.desk_hours:
            try:
                parse_intervals(self.desk_hours)
            except ValueError as exc:
                raise ValidationError({"desk_hours": str(exc)}) from exc

    def ancestors(self) -> models.QuerySet[Agency]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return type(self).objects.filter(pk__in=ids).order_by("depth")

    def descendants(self, include_self: bool = True) -> models.QuerySet[Agency]:
        qs = type(self).objects.subtree(self)
        return qs if include_self else qs.exclude(pk=self.pk)

    def is_within(self, other: Agency) -> bool:
        return self.path.startswith(other.path)


class OfficerPost(models.Model):
    """An officer's role in an agency (chức trách): receiver, specialist, leader or agency administrator."""

    class Role(models.TextChoices):
        RECEIVER = "receiver", _("Cán bộ tiếp nhận (một cửa)")
        SPECIALIST = "specialist", _("Chuyên viên xử lý")
        LEADER = "leader", _("Lãnh đạo")
        ADMIN = "admin", _("Quản trị cơ quan")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="posts"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="posts")
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices)
    title = models.CharField(_("chức vụ"), max_length=120, blank=True)
    is_active = models.BooleanField(_("đang giữ"), default=True)
    since = models.DateField(_("từ ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("chức trách cán bộ")
        verbose_name_plural = _("chức trách cán bộ")
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="unique_officer_post")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
