"""The ministry's roles, as Django groups, and the predicates that name them.

Association members are not a group: they are users with an ``associations.Membership``.
"""

import enum

import rules
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff_officer", _("Staff officer")
    REVIEWER = "reviewer", _("Reviewer")
    COMMITTEE = "committee_member", _("Committee member")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")

    # Roles that may read every record of the portal.
    readers = enum.nonmember(frozenset({"staff_officer", "manager", "administrator"}))


def has_role(user, role: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_cache = cache
    return role in cache


@rules.predicate
def is_staff_officer(user) -> bool:
    return has_role(user, Role.STAFF) or has_role(user, Role.ADMINISTRATOR)


@rules.predicate
def is_reviewer(user) -> bool:
    return has_role(user, Role.REVIEWER)


@rules.predicate
def is_committee_member(user) -> bool:
    return has_role(user, Role.COMMITTEE)


@rules.predicate
def is_manager(user) -> bool:
    return has_role(user, Role.MANAGER)


@rules.predicate
def is_administrator(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


# Who may read every record (read-only for managers).
is_ministry_reader = is_staff_officer | is_manager | is_administrator


# Admin (model) permissions each role's group holds; object rules stay in the predicates above.
# Staff officers keep the conventions register in the admin: they add and change, never delete.
GROUP_MODEL_PERMISSIONS = {
    Role.STAFF: {
        "conventions": (
            "partner",
            "convention",
            "conventionparty",
            "amendment",
            "committeemeeting",
            "partnercommune",
            "conventionattachment",
        ),
    },
}


def ensure_groups(using="default", **kwargs) -> None:
    """One group per role, with its admin permissions; run after every ``migrate``."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        for app_label, model_names in GROUP_MODEL_PERMISSIONS.get(role, {}).items():
            create_permissions(apps.get_app_config(app_label), verbosity=0, using=using)
            group.permissions.add(
                *Permission.objects.using(using).filter(
                    content_type__app_label=app_label,
                    content_type__model__in=model_names,
                    codename__regex=r"^(add|change|view)_",
                )
            )
