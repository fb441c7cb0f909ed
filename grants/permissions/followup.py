"""Who follows funded projects: staff officers act; managers read everything and change
nothing; an association's members see their own grants and send their reports; reviewers and
committee members see none."""

import rules
from django.shortcuts import get_object_or_404

from grants.models import Grant
from portal.permissions import require_perm_or_404 as require  # noqa: F401  (for the views)
from portal.roles import is_ministry_reader, is_staff_officer

rules.add_perm("grants.run_followup", is_staff_officer)
rules.add_perm("grants.view_followup", is_ministry_reader)


def readable_grant(request, pk) -> Grant:
    """A grant for the ministry's readers, or for a member of its association; else 404."""
    grants = Grant.objects.select_related(
        "application__call__programme",
        "application__association",
        "application__call_domain__domain",
    )
    if request.user.has_perm("grants.view_followup"):
        return get_object_or_404(grants, pk=pk)
    return get_object_or_404(
        grants, pk=pk, application__association__memberships__user=request.user
    )
