"""Read-only queries behind the association pages, named for what they return."""

from __future__ import annotations

from django.db.models import Count, Prefetch

from associations.models import (
    Association,
    AssociationDocument,
    Commune,
    Invitation,
    Membership,
    Province,
)


def memberships_with_association():
    """Memberships with their association (1 query): the base of the member's lookups."""
    return Membership.objects.select_related("association")


def memberships_of(user):
    """The user's memberships with association, region and province, by association name."""
    return (
        Membership.objects.filter(user=user)
        .select_related("association", "association__region", "association__province")
        .order_by("association__name_fr")
    )


def pending_invitations_for(user):
    """Invitations not yet accepted sent to the user's email address, with their association."""
    return Invitation.objects.filter(
        email__iexact=user.email, accepted_at__isnull=True
    ).select_related("association")


def open_invitations():
    """Invitations not yet accepted, with their association (looked up by token)."""
    return Invitation.objects.select_related("association").filter(accepted_at__isnull=True)


def association_documents(association):
    """The association's documents with who uploaded them."""
    return association.documents.select_related("uploaded_by")


def association_members(association):
    """The association's memberships with their user, by role."""
    return association.memberships.select_related("user").order_by("role")


def association_pending_invitations(association):
    """The association's invitations not yet accepted."""
    return association.invitations.filter(accepted_at__isnull=True)


def provinces_of(region_id):
    """The provinces of a region; none without a region."""
    return Province.objects.filter(region_id=region_id) if region_id else Province.objects.none()


def communes_of(province_id):
    """The communes of a province; none without a province."""
    if not province_id:
        return Commune.objects.none()
    return Commune.objects.filter(province_id=province_id)


def associations_to_verify(status):
    """Associations in a status with region, province and their number of documents, the
    least recently updated first."""
    return (
        Association.objects.filter(status=status)
        .select_related("region", "province")
        .annotate(document_count=Count("documents"))
        .order_by("updated_at")
    )


def association_counts_by_status() -> dict[str, int]:
    """How many associations are in each status (1 query; absent statuses are missing)."""
    return dict(Association.objects.values_list("status").annotate(n=Count("id")).order_by())


def associations_for_verification():
    """Associations with region, province, commune, their documents by kind and their activity
    areas: what the verification page reads."""
    return Association.objects.select_related("region", "province", "commune").prefetch_related(
        Prefetch("documents", AssociationDocument.objects.order_by("kind")),
        "activity_areas",
    )
