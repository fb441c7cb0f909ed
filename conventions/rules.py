import rules

from portal.roles import is_ministry_reader

# The register of partnerships: the ministry's readers (staff officers, managers,
# administrators); everyone else gets a 404.
rules.add_perm("conventions.view_register", is_ministry_reader)
