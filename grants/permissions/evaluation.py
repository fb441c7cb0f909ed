"""Who does what in the evaluation.

- staff officers run the workspace: admissibility, assignments, consensus, minutes;
- reviewers open only the applications assigned to them, after declaring no conflict;
- committee members rank and decide;
- managers read the workspace and the ranking;
- everyone else gets a 404.
"""

import rules
from django.http import Http404

from portal.roles import is_committee_member, is_manager, is_reviewer, is_staff_officer

rules.add_perm("grants.run_evaluation", is_staff_officer)
rules.add_perm("grants.view_evaluation", is_staff_officer | is_manager | is_committee_member)
rules.add_perm("grants.decide", is_committee_member | is_staff_officer)
rules.add_perm("grants.review", is_reviewer)


def require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise Http404
