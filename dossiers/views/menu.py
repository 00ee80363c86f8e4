"""Menu entries of the citizen's pages (registered from ``DossiersConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def is_citizen(user: object) -> bool:
    """A signed-in person or business (officers use the desk's pages)."""
    return bool(getattr(user, "is_authenticated", False)) and not getattr(user, "is_officer", False)


def register() -> None:
    from portal import navigation
    from portal.permissions import may_somewhere

    navigation.register(_("Hồ sơ của tôi"), "dossiers:mine", audience=is_citizen, order=20)
    navigation.register(_("Kho dữ liệu"), "dossiers:store", audience=is_citizen, order=25)
    navigation.register(
        _("Xác thực giấy tờ"),
        "dossiers:store_verify",
        audience=lambda user: may_somewhere(user, "identity.verify"),
        order=710,
    )
