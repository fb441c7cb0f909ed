import rules

from portal.roles import is_staff_officer

# Verifying associations (the queue and the decision): staff officers only; a 404 for others.
rules.add_perm("associations.verify", is_staff_officer)
