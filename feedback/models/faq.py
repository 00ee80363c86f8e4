"""Frequently asked questions (câu hỏi thường gặp), published with the catalogue (Long An 30/2019 art 6.4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FAQQuerySet(models.QuerySet):
    def published(self) -> FAQQuerySet:
        return self.filter(is_published=True)

    def general(self) -> FAQQuerySet:
        """Questions about the portal itself, not about one procedure."""
        return self.filter(procedure__isnull=True)


class FAQ(models.Model):
    """A frequently asked question and its answer (câu hỏi thường gặp), about one procedure or general."""

    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("thủ tục"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="faqs",
        help_text=_("Để trống cho câu hỏi chung về Cổng Dịch vụ công."),
    )
    question = models.CharField(_("câu hỏi"), max_length=500)
    answer = models.TextField(_("trả lời"))
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_published = models.BooleanField(_("công khai"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = FAQQuerySet.as_manager()

    class Meta:
        verbose_name = _("câu hỏi thường gặp")
        verbose_name_plural = _("câu hỏi thường gặp")
        ordering = ["procedure_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "question"], name="unique_faq_question_per_procedure"),
        ]

    def __str__(self) -> str:
        return self.question
