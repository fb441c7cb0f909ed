"""Who sees integrity signals: as for the application on the ministry's side (staff officers,
managers, committee members); staff officers keep or dismiss them. Associations never see
them, nor reviewers."""

import rules

from portal.roles import is_committee_member, is_manager, is_staff_officer

rules.add_perm("integrity.view_signals", is_staff_officer | is_manager | is_committee_member)
rules.add_perm("integrity.decide_signals", is_staff_officer)
