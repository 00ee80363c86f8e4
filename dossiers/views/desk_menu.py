"""The officers' menu entries, by role (registered from DossiersConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal import navigation
from portal.permissions import may_somewhere


def receives(user: object) -> bool:
    return may_somewhere(user, "desk.receive")


def processes(user: object) -> bool:
    return may_somewhere(user, "dossier.process") or (
        may_somewhere(user, "dossier.assign") and not may_somewhere(user, "desk.receive")
    )


def approves(user: object) -> bool:
    return may_somewhere(user, "dossier.approve")


def register() -> None:
    navigation.register(_("Một cửa: hồ sơ chờ tiếp nhận"), "dossiers:desk_queue", audience=receives, order=40)
    navigation.register(_("Tiếp nhận trực tiếp"), "dossiers:desk_intake", audience=receives, order=41)
    navigation.register(_("Sổ theo dõi hồ sơ"), "dossiers:desk_tracking_book", audience=receives, order=42)
    navigation.register(_("Hồ sơ cần xử lý"), "dossiers:desk_worklist", audience=processes, order=43)
    navigation.register(_("Hồ sơ chờ phê duyệt"), "dossiers:desk_approval_queue", audience=approves, order=44)
