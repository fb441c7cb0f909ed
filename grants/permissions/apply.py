"""Who may see an application and its files: its association's members, the ministry's readers
(staff officers, managers, administrators), and the reviewers assigned to it once they declared
that they have no conflict of interest (never before, never after declaring one)."""

from django.shortcuts import get_object_or_404

from grants.models import Application, ReviewAssignment
from portal.roles import is_ministry_reader

# A reviewer reads the content and the files only in these states, reached by declaring no
# conflict of interest.
DECLARED_NO_CONFLICT = (ReviewAssignment.Status.IN_PROGRESS, ReviewAssignment.Status.SUBMITTED)


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
    if is_ministry_reader(user):
        return True
    if application.association.memberships.filter(user=user).exists():
        return True
    return ReviewAssignment.objects.filter(
        application=application,
        reviewer=user,
        status__in=DECLARED_NO_CONFLICT,
        no_conflict_declared_at__isnull=False,
    ).exists()
