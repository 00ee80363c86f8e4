from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedures"
    verbose_name = _("Thủ tục hành chính")

    def ready(self) -> None:
        from portal import home, navigation, seed
        from procedures.highlights import popular_sectors_section
        from procedures.seed import seed_procedures

        navigation.register(_("Thủ tục hành chính"), "procedures:list", audience=navigation.everyone, order=10)
        navigation.register(_("Hướng dẫn"), "procedures:help", audience=navigation.everyone, order=90)
        home.register(popular_sectors_section, order=20)
        seed.register("procedures", seed_procedures, order=20)
