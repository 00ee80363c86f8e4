from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("Thống kê, báo cáo")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from dossiers.models import ApologySlip
        from dossiers.signals import dossier_changed
        from portal import home, navigation, seed
        from reporting import services, widgets
        from reporting.seed import seed_history

        # The rollups follow every dossier write, inside its transaction (reporting → dossiers, never back).
        dossier_changed.connect(services.on_dossier_changed, dispatch_uid="reporting.rollups")
        # The dashboard lists published apology slips (Long An 30/2019 art 11.3): its cached pages follow them.
        for signal in (post_save, post_delete):
            signal.connect(services.on_apology_changed, sender=ApologySlip, dispatch_uid=f"reporting.apology.{signal}")
        navigation.register(_("Thống kê"), "reporting:dashboard", audience=navigation.everyone, order=60)
        home.register(widgets.home_section, order=50)
        widgets.register_procedure_section()
        seed.register("reporting-history", seed_history, order=90)
