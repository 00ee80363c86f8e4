"""Audit hooks for what happens outside the account services: Django's login signals, django-axes lock-outs, and
changes made in the Django admin (officer posts, passwords, assurance levels).

The services write their own, richer entries and mark the instance (``_audit_recorded``) so these hooks stay quiet.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from portal import audit
from portal.accounts.backends import normalize_login
from portal.models import AuditEntry, OfficerPost, User

Action = AuditEntry.Action


@receiver(user_logged_in, dispatch_uid="motcua.audit.login")
def _logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit.record(
        Action.LOGIN,
        actor=user,
        target=user,
        request=request,
        data={"second_factor": getattr(user, "otp_device", None) is not None},
    )


@receiver(user_logged_out, dispatch_uid="motcua.audit.logout")
def _logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(Action.LOGOUT, actor=user, target=user, request=request)


@receiver(user_login_failed, dispatch_uid="motcua.audit.login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    login = normalize_login(credentials.get("username") or credentials.get(User.USERNAME_FIELD) or "")
    audit.record(
        Action.LOGIN_FAILED,
        actor=None,
        target=User.objects.find_by_login(login) if login else None,
        target_label=login,
        request=request,
        data={"locked": bool(getattr(request, "axes_locked_out", False))},
    )


@receiver(user_locked_out, dispatch_uid="motcua.audit.locked_out")
def _locked_out(
    sender: Any, request: Any = None, username: str | None = None, ip_address: str | None = None, **kwargs: Any
) -> None:
    login = normalize_login(username or "")
    audit.record(
        Action.LOCKED_OUT,
        actor=None,
        target=User.objects.find_by_login(login) if login else None,
        target_label=login,
        request=request,
        data={"ip_address": ip_address or ""},
    )


# --- officer posts (chức trách): grants and revocations, wherever they are made ---


def _post_data(post: OfficerPost, role: str, agency_id: int) -> dict[str, Any]:
    from portal.models import Agency

    agency = Agency.objects.filter(pk=agency_id).only("code", "name").first()
    return {"role": role, "agency": agency.code if agency else agency_id, "post": post.pk}


@receiver(pre_save, sender=OfficerPost, dispatch_uid="motcua.audit.post_before")
def _post_before(sender: Any, instance: OfficerPost, **kwargs: Any) -> None:
    instance._audit_before = (
        OfficerPost.objects.filter(pk=instance.pk).values_list("role", "agency_id", "is_active").first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=OfficerPost, dispatch_uid="motcua.audit.post_after")
def _post_after(sender: Any, instance: OfficerPost, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    now = (instance.role, instance.agency_id, instance.is_active)
    if before == now:
        return
    if before is not None and before[2] and (not now[2] or before[:2] != now[:2]):
        audit.record(Action.ROLE_REVOKED, target=instance.user, data=_post_data(instance, before[0], before[1]))
    if now[2] and (before is None or not before[2] or before[:2] != now[:2]):
        audit.record(Action.ROLE_GRANTED, target=instance.user, data=_post_data(instance, now[0], now[1]))


@receiver(post_delete, sender=OfficerPost, dispatch_uid="motcua.audit.post_deleted")
def _post_deleted(sender: Any, instance: OfficerPost, **kwargs: Any) -> None:
    if instance.is_active:
        audit.record(
            Action.ROLE_REVOKED,
            target=User.objects.filter(pk=instance.user_id).first(),
            data={**_post_data(instance, instance.role, instance.agency_id), "deleted": True},
        )


# --- passwords and assurance levels changed outside the services (the Django admin) ---


@receiver(pre_save, sender=User, dispatch_uid="motcua.audit.user_before")
def _user_before(sender: Any, instance: User, update_fields: Any = None, raw: bool = False, **kwargs: Any) -> None:
    instance._audit_before = None
    if raw or not instance.pk or getattr(instance, "_audit_recorded", False):
        return
    # A login's last_login update and django's password-hash upgrade (update_fields=["password"] on a correct
    # login) are not changes anyone made: only full saves and explicit field lists beyond those are watched.
    if update_fields is not None and not ({"assurance_level", "password"} & set(update_fields)):
        return
    if update_fields is not None and set(update_fields) == {"password"}:
        return
    instance._audit_before = User.objects.filter(pk=instance.pk).values_list("password", "assurance_level").first()


@receiver(post_save, sender=User, dispatch_uid="motcua.audit.user_after")
def _user_after(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    recorded = getattr(instance, "_audit_recorded", False)
    instance._audit_recorded = False
    instance._audit_before = None
    if created or recorded or before is None:
        return
    old_password, old_level = before
    if old_password and old_password != instance.password:  # a first password being set is not a change
        audit.record(Action.PASSWORD_CHANGED, target=instance, data={"by": "administrator"})
    if old_level != instance.assurance_level:
        if instance.assurance_level > old_level:
            audit.record(
                Action.ASSURANCE_RAISED,
                target=instance,
                data={"from": old_level, "to": instance.assurance_level, "by": "administrator"},
            )
        else:
            audit.record(
                Action.PROFILE_CHANGED,
                target=instance,
                data={"assurance_level": [old_level, instance.assurance_level], "by": "administrator"},
            )
