"""Who may see an application and its files: its association's members, staff officers, and
the reviewers assigned to it (unless they declared a conflict of interest)."""

from django.shortcuts import get_object_or_404

from grants.models import Application, ReviewAssignment
from portal.roles import is_staff_officer


def member_application(request, pk, **filters) -> Application:
    """An application of one of the user's associations, or 404."""
    return get_object_or_404(
        Application.objects.select_related(
            "call", "call__programme", "call_domain", "call_domain__domain", "association"
        ),
        pk=pk,
        association__memberships__user=request.user,
        **filters,
    )


def can_read_files(user, application) -> bool:
    if not user.is_authenticated:
        return False
    if is_staff_officer(user):
        return True
    if application.association.memberships.filter(user=user).exists():
        return True
    return (
        ReviewAssignment.objects.filter(application=application, reviewer=user)
        .exclude(status=ReviewAssignment.Status.CONFLICT)
        .exists()
    )
