"""Who does what in the evaluation.

- staff officers run the workspace: admissibility, assignments, consensus, minutes;
- reviewers open only the applications assigned to them, after declaring no conflict;
- committee members rank and decide;
- managers read the workspace and the ranking;
- everyone else gets a 404.
"""

import rules

from portal.permissions import require_perm_or_404 as require  # noqa: F401  (for the views)
from portal.roles import is_committee_member, is_manager, is_reviewer, is_staff_officer

rules.add_perm("grants.run_evaluation", is_staff_officer)
rules.add_perm("grants.view_evaluation", is_staff_officer | is_manager | is_committee_member)
rules.add_perm("grants.decide", is_committee_member | is_staff_officer)
rules.add_perm("grants.review", is_reviewer)
