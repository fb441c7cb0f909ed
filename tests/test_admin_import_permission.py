"""Only administrators import spreadsheets in the admin; staff officers edit but never import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conventions.models import Convention
from portal.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:conventions_convention_import"
CHANGELIST_URL = "admin:conventions_convention_changelist"


def _upload():
    return SimpleUploadedFile("conventions.csv", b"reference\nX-1\n", content_type="text/csv")


def test_a_staff_officer_keeps_the_register_but_cannot_import(client, staff_user):
    client.force_login(staff_user)

    listing = client.get(reverse(CHANGELIST_URL))
    add = client.get(reverse("admin:conventions_convention_add"))
    get = client.get(reverse(IMPORT_URL))
    post = client.post(
        reverse(IMPORT_URL), {"import_file": _upload(), "format": "1", "resource": "0"}
    )
    confirm = client.post(
        reverse("admin:conventions_convention_process_import"),
        {"import_file_name": "x", "original_file_name": "x.csv", "format": "1", "resource": "0"},
    )

    assert listing.status_code == 200
    assert add.status_code == 200
    assert get.status_code == 403
    assert post.status_code == 403
    assert confirm.status_code == 403
    assert reverse(IMPORT_URL) not in listing.content.decode()
    assert Convention.objects.count() == 0


def test_an_administrator_imports(client, admin_user):
    client.force_login(admin_user)

    listing = client.get(reverse(CHANGELIST_URL))

    assert client.get(reverse(IMPORT_URL)).status_code == 200
    assert reverse(IMPORT_URL) in listing.content.decode()


def test_the_administrator_role_without_superuser_status_imports(client):
    administrator = UserFactory(is_staff=True, roles=[Role.ADMINISTRATOR, Role.STAFF])
    client.force_login(administrator)

    assert client.get(reverse(IMPORT_URL)).status_code == 200
