import rules

from portal.roles import is_ministry_reader

rules.add_perm("reports.view_bilans", is_ministry_reader)
rules.add_perm("reports.request_bilan", is_ministry_reader)
