"""What changes an association: creation, profile edits, verification, documents, members.

Every function runs in one transaction; e-mails leave after it commits (``portal.notify``).
"""

import secrets

from django.db import transaction
from django.utils import timezone

from associations.models import Association, AssociationDocument, Invitation, Membership
from portal.models import User
from portal.notify import notify
from portal.workflow import record_creation, transition

# A change to these fields sends a verified association back to the ministry.
VERIFIED_FIELDS = ("name_fr", "registration_number", "rib", "bank_name")


def members_of(association):
    return User.objects.filter(memberships__association=association, is_active=True)


@transaction.atomic
def create_association(*, form, user) -> Association:
    association = form.save()
    Membership.objects.create(user=user, association=association, role=Membership.Role.PRESIDENT)
    record_creation(association, by=user)
    return association


@transaction.atomic
def update_association(*, form, user) -> Association:
    association = form.save()
    changed = set(form.changed_data) & set(VERIFIED_FIELDS)
    if association.status == Association.Status.VERIFIED and changed:
        transition(
            association,
            Association.Status.PENDING,
            by=user,
            reason="; ".join(sorted(changed)),
        )
    return association


@transaction.atomic
def submit_for_verification(*, association, user) -> None:
    transition(association, Association.Status.PENDING, by=user)


@transaction.atomic
def verify(*, association, user, message: str = "") -> None:
    transition(
        association,
        Association.Status.VERIFIED,
        by=user,
        reason=message,
        updates={
            "verified_at": timezone.now(),
            "verified_by": user,
            "verification_message": message,
        },
    )
    notify(
        members_of(association),
        "associations/email/verified",
        {"association_id": association.pk, "name": association.name_fr, "message": message},
    )


@transaction.atomic
def request_changes(*, association, user, message: str) -> None:
    transition(
        association,
        Association.Status.CHANGES_REQUESTED,
        by=user,
        reason=message,
        updates={"verification_message": message},
    )
    notify(
        members_of(association),
        "associations/email/changes_requested",
        {"association_id": association.pk, "name": association.name_fr, "message": message},
    )


def add_document(*, form, association, user) -> AssociationDocument:
    checked = form.cleaned_data["file"].checked
    document = form.save(commit=False)
    document.association = association
    document.original_name = checked.original_name
    document.content_type = checked.content_type
    document.size = checked.size
    document.uploaded_by = user
    document.save()
    return document


@transaction.atomic
def invite(*, association, email: str, role: str, user) -> Invitation:
    invitation = Invitation.objects.create(
        association=association,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=user,
    )
    invited = User.objects.filter(email__iexact=email).first()
    context = {
        "association": association.name_fr,
        "inviter": user.get_full_name() or user.email,
        "token": invitation.token,
    }
    if invited is not None:
        notify([invited], "associations/email/invitation", context)
    else:
        # No account yet: the e-mail goes in the portal's default language.
        notify(
            [User(email=email, is_active=True, language="")],
            "associations/email/invitation",
            context,
        )
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user) -> Membership:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    membership, _created = Membership.objects.get_or_create(
        user=user, association_id=locked.association_id, defaults={"role": locked.role}
    )
    if locked.accepted_at is None:
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    return membership
