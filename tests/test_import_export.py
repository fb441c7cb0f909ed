"""Admin import with a dry run and row errors; exports neutralise formula cells."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from associations.models import Association
from associations.resources import AssociationResource
from grants.resources import ApplicationResource
from portal.spreadsheets import neutralise_cell
from tests.factories import ApplicationFactory, AssociationFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

HEADER = "registration_number,name_fr,region,province,rib\n"


@pytest.fixture
def send_import(client, django_capture_on_commit_callbacks):
    """Send a CSV to the admin import; its dry run runs as a job (eager here): the job's page."""

    def send(client, content: str):
        upload = SimpleUploadedFile("associations.csv", content.encode(), content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:associations_association_import"),
                {"import_file": upload, "format": "1", "resource": "0"},  # 0 XLSX, 1 CSV
            )
        assert response.status_code == 302
        return client.get(response["Location"])

    return send


def test_a_bad_row_is_reported_and_nothing_is_imported(client, admin_user, send_import):
    province = ProvinceFactory()
    client.force_login(admin_user)
    rows = (
        f"REC-1,Association Nour,{province.region.code},{province.code},\n"
        f"REC-2,Association Amal,XX-UNKNOWN,{province.code},\n"
    )

    response = send_import(client, HEADER + rows)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Région introuvable pour le code « XX-UNKNOWN »." in content
    assert not Association.objects.filter(registration_number__in=["REC-1", "REC-2"]).exists()


def test_a_wrong_rib_is_a_row_error(client, admin_user, send_import):
    province = ProvinceFactory()
    client.force_login(admin_user)

    response = send_import(
        client,
        HEADER + f"REC-9,Association Wifaq,{province.region.code},{province.code},"
        "011780000012345678901200\n",
    )

    assert response.status_code == 200
    assert "La clé de ce RIB est erronée" in response.content.decode()
    assert not Association.objects.filter(registration_number="REC-9").exists()


def test_a_good_file_is_shown_as_a_dry_run_before_anything_is_saved(
    client, admin_user, send_import
):
    province = ProvinceFactory()
    client.force_login(admin_user)

    response = send_import(
        client, HEADER + f"REC-7,Association Tadamoun,{province.region.code},{province.code},\n"
    )

    assert response.status_code == 200
    assert "Association Tadamoun" in response.content.decode()
    assert 'name="confirm"' in response.content.decode()  # the confirm step
    assert not Association.objects.filter(registration_number="REC-7").exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+212600000000", "'+212600000000"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Association", "Association"),
        (42, 42),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def test_exports_neutralise_formula_cells():
    AssociationFactory(name_fr='=HYPERLINK("http://evil.example","clic")')
    ApplicationFactory(title="@SUM(1+1)", reference="AAP-2026-X-00001")

    associations = AssociationResource().export().csv
    applications = ApplicationResource().export().csv

    assert "'=HYPERLINK" in associations
    assert ",=HYPERLINK" not in associations
    assert "'@SUM(1+1)" in applications
