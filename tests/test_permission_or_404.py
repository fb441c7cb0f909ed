"""One "permission or 404" rule (portal.permissions.require_perm_or_404) for every app's views:
a page the user may not see answers 404, and no view writes the check again."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from portal.roles import Role
from tests.factories import user_with_role

ROOT = Path(__file__).resolve().parent.parent

PAGES = {
    "associations:verification_queue": {Role.STAFF: 200, Role.MANAGER: 404, Role.REVIEWER: 404},
    "conventions:list": {Role.STAFF: 200, Role.MANAGER: 200, Role.REVIEWER: 404},
    "reports:bilans": {Role.STAFF: 200, Role.MANAGER: 200, Role.REVIEWER: 404},
    "grants:grants": {Role.STAFF: 200, Role.MANAGER: 200, Role.REVIEWER: 404},
    "grants:evaluation_calls": {Role.STAFF: 200, Role.MANAGER: 200, Role.REVIEWER: 404},
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "role", "status"),
    [(name, role, status) for name, roles in PAGES.items() for role, status in roles.items()],
)
def test_a_page_the_user_may_not_see_answers_404(client, name, role, status):
    client.force_login(user_with_role(role))

    assert client.get(reverse(name)).status_code == status


def test_no_view_writes_its_own_permission_or_404_check():
    inline = re.compile(r"if not (request\.user\.has_perm|is_\w+)\(.*\):\s*\n\s*raise Http404")
    copies = [
        f"{path.relative_to(ROOT)}: {match.group(0).splitlines()[0].strip()}"
        for app in ("associations", "calls", "conventions", "grants", "home", "reports")
        for path in sorted((ROOT / app).rglob("*.py"))
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]

    assert copies == []
