from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = _("Hỏi đáp, phản ánh, đánh giá")

    def ready(self) -> None:
        from feedback.sections import general_faq_section, procedure_faq_section
        from feedback.seed import seed_faq
        from portal import seed
        from procedures import hooks

        hooks.register_detail_section("faq", procedure_faq_section, order=50)
        hooks.register_help_section("faq", general_faq_section, order=50)
        seed.register("faq", seed_faq, order=30)
