"""The one permission helper: may this user do this action on this agency's object?

A post (OfficerPost) at an agency covers that agency and its whole sub-tree, so a leader of a department
also sees its divisions. Superusers may do everything. Every view, API and workflow function asks here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser

from portal.models import Agency, OfficerPost, User

Role = OfficerPost.Role

# action → roles allowed to do it. Actions are named for what an officer does, not for a screen.
ACTIONS: dict[str, frozenset[str]] = {
    # seeing the agency's dossiers and their files
    "dossier.view": frozenset({Role.RECEIVER, Role.SPECIALIST, Role.LEADER, Role.ADMIN}),
    # one-stop desk: check online dossiers, accept, refuse, ask for supplements, counter/postal intake, return
    "desk.receive": frozenset({Role.RECEIVER}),
    # competent department: appraise, consult, propose a result or a rejection, transfer (liên thông)
    "dossier.process": frozenset({Role.SPECIALIST}),
    # leaders: (re)assign, approve and sign results, sign apology slips
    "dossier.assign": frozenset({Role.LEADER, Role.RECEIVER}),
    "dossier.approve": frozenset({Role.LEADER}),
    "apology.sign": frozenset({Role.LEADER}),
    # identity: raise a citizen's assurance level after an in-person check; verify stored documents
    "identity.verify": frozenset({Role.RECEIVER, Role.ADMIN}),
    # administration
    "procedure.manage": frozenset({Role.ADMIN}),
    "agency.manage": frozenset({Role.ADMIN}),
    "calendar.manage": frozenset({Role.ADMIN}),
    "feedback.answer": frozenset({Role.ADMIN, Role.LEADER, Role.SPECIALIST}),
    "reports.view": frozenset({Role.RECEIVER, Role.SPECIALIST, Role.LEADER, Role.ADMIN}),
}


def _posts(user: User) -> list[tuple[str, str]]:
    """(role, agency path) of the user's active posts, cached on the user object for the request."""
    cached = getattr(user, "_motcua_posts", None)
    if cached is None:
        cached = list(
            OfficerPost.objects.filter(user=user, is_active=True, agency__is_active=True).values_list(
                "role", "agency__path"
            )
        )
        user._motcua_posts = cached
    return cached


def _roles(action: str) -> frozenset[str]:
    try:
        return ACTIONS[action]
    except KeyError:
        raise ValueError(f"Unknown action {action!r}") from None


def may(user: User | AnonymousUser | None, action: str, agency: Agency | None) -> bool:
    """True when ``user`` may do ``action`` on an object belonging to ``agency``."""
    roles = _roles(action)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if agency is None:
        return False
    return any(role in roles and agency.path.startswith(path) for role, path in _posts(user))


def may_somewhere(user: User | AnonymousUser | None, action: str) -> bool:
    """True when the user may do ``action`` in at least one agency (to show a menu entry or a queue)."""
    roles = _roles(action)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(role in roles for role, _path in _posts(user))


def agency_ids_where(user: User | AnonymousUser | None, action: str) -> list[int] | None:
    """Ids of the agencies where the user may do ``action``; ``None`` means every agency (superuser)."""
    roles = _roles(action)
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    paths = tuple(sorted({path for role, path in _posts(user) if role in roles}))
    if not paths:
        return []
    # Cached on the user object for the request, like its posts: a list page asks several times (scope, filters).
    cache = user.__dict__.setdefault("_motcua_agency_ids", {})
    if paths not in cache:
        ids: set[int] = set()
        for path in paths:
            ids.update(Agency.objects.filter(path__startswith=path).values_list("pk", flat=True))
        cache[paths] = sorted(ids)
    return list(cache[paths])


def roles_of(user: User | AnonymousUser | None) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return {r.value for r in Role}
    return {role for role, _path in _posts(user)}


def forget(users: Iterable[User]) -> None:
    """Drop cached posts and agency ids (after a role or agency change in the same request)."""
    for user in users:
        user.__dict__.pop("_motcua_posts", None)
        user.__dict__.pop("_motcua_agency_ids", None)
