from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Hệ thống chung")

    def ready(self) -> None:
        from portal import seed
        from portal.seed_portal import declare_demo_logins, seed_portal

        seed.register("portal", seed_portal, order=10)
        declare_demo_logins()

        from portal.accounts import setup as accounts_setup

        accounts_setup.ready()  # audit receivers, menu entries, TOTP for the Django admin

        # Working calendars are cached per agency and calendar version; renew the version on every change.
        from portal.selectors import connect_signals as connect_calendar_signals

        connect_calendar_signals()
