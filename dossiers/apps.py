from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self) -> None:
        from portal import seed

        from .seed_pki import seed_pki

        # After the agencies (portal, order 10) and the catalogue (20): a demo certificate for every agency.
        seed.register("pki", seed_pki, order=30)
        # The demo citizen's document store (after the accounts and the catalogue's document kinds).
        from .seed_submission import seed_submission

        seed.register("document-store", seed_submission, order=40)

        # A calendar change recomputes the due dates of the open dossiers it affects (dossiers.calendar_changes).
        from . import calendar_changes

        calendar_changes.connect()

        # "Hồ sơ của tôi" and "Kho dữ liệu" for citizens; "Xác thực giấy tờ" for identity verifiers.
        from .views import menu

        menu.register()

        # The officers' menu: desk queue, counter intake, tracking book, worklist, approval queue.
        from .views import desk_menu

        desk_menu.register()
