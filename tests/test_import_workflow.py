"""Imports cannot change what only the workflow changes: states, scores, amounts paid.

Exporting a row, editing its state cell and importing it back is refused row by row, in the
dry run and in the real import, and leaves the row and its history as they were.
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from import_export.formats.base_formats import CSV, XLSX

from conventions.models import Convention
from conventions.resources import ConventionResource
from grants.models import Application, Decision, Grant
from grants.resources import ApplicationResource, GrantResource
from portal.models import StatusChange
from tests.factories import (
    ApplicationFactory,
    ConventionFactory,
    GrantFactory,
)

pytestmark = pytest.mark.django_db

STATUS_REFUSED = (
    "Le statut ne se change pas par import : utilisez les actions prévues pour chaque "
    "dossier, qui vérifient le changement et l'inscrivent dans son historique."
)


def _round_trip(resource, fmt, edit):
    """Export every row, apply ``edit`` to the rows (a list of dicts), write the file in
    ``fmt`` and read it back, as an administrator editing an export would."""
    exported = resource.export()
    rows = [dict(zip(exported.headers, row, strict=True)) for row in exported]
    edit(rows)
    exported.wipe()
    exported.headers = list(rows[0])
    for row in rows:
        exported.append(list(row.values()))
    content = fmt.export_data(exported)
    return fmt.create_dataset(content)


def _errors(result):
    """The row errors of an import: {row number: {field: [messages]}}."""
    return {row.number: row.error_dict for row in result.invalid_rows}


def _set(column, value):
    def edit(rows):
        rows[0][column] = value

    return edit


@pytest.mark.parametrize("fmt", [CSV(), XLSX()], ids=["csv", "xlsx"])
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_an_exported_application_set_to_approved_is_refused(fmt, dry_run):
    application = ApplicationFactory(
        status=Application.Status.SUBMITTED, reference="AAP-2026-VIO-00042"
    )
    dataset = _round_trip(ApplicationResource(), fmt, _set("status", "approved"))

    result = ApplicationResource().import_data(dataset, dry_run=dry_run)

    assert _errors(result) == {1: {"status": [STATUS_REFUSED]}}
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not application.status_history.exists()
    assert not Decision.objects.exists()


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_an_application_score_is_not_imported(dry_run):
    application = ApplicationFactory(
        status=Application.Status.REVIEWED, reference="AAP-2026-VIO-00043", score=Decimal("61")
    )
    dataset = _round_trip(ApplicationResource(), CSV(), _set("score", "95"))

    result = ApplicationResource().import_data(dataset, dry_run=dry_run)

    assert _errors(result) == {
        1: {
            "score": [
                "« Note (sur 100) » ne se change pas par import : seules les actions prévues "
                "pour chaque dossier le modifient."
            ]
        }
    }
    application.refresh_from_db()
    assert application.score == Decimal("61")


def test_the_same_state_or_an_empty_cell_lets_the_rest_of_the_row_be_imported():
    first = ApplicationFactory(
        status=Application.Status.SUBMITTED, reference="AAP-2026-VIO-00044", score=Decimal("70")
    )
    second = ApplicationFactory(status=Application.Status.SUBMITTED, reference="AAP-2026-VIO-00045")

    def edit(rows):
        for row in rows:
            row["title"] = f"Nouveau titre {row['reference']}"
        rows[1]["status"] = ""
        rows[1]["score"] = ""

    dataset = _round_trip(ApplicationResource(), CSV(), edit)

    result = ApplicationResource().import_data(dataset, dry_run=False)

    assert _errors(result) == {}
    assert not result.has_errors()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, first.status, first.score) == (
        "Nouveau titre AAP-2026-VIO-00044",
        Application.Status.SUBMITTED,
        Decimal("70.00"),
    )
    assert (second.title, second.status, second.score) == (
        "Nouveau titre AAP-2026-VIO-00045",
        Application.Status.SUBMITTED,
        None,
    )
    assert not StatusChange.objects.exists()


def test_a_new_row_starts_where_the_workflow_starts():
    ApplicationFactory(status=Application.Status.SUBMITTED, reference="AAP-2026-VIO-00046")

    def edit(rows):
        rows.append({**rows[0], "reference": "AAP-2026-VIO-00047", "status": "approved"})
        rows.append({**rows[0], "reference": "AAP-2026-VIO-00048", "status": ""})

    dataset = _round_trip(ApplicationResource(), CSV(), edit)

    result = ApplicationResource().import_data(dataset, dry_run=False)

    assert _errors(result) == {2: {"status": [STATUS_REFUSED]}}
    assert result.has_validation_errors()
    # a file with an invalid row imports nothing
    assert not Application.objects.filter(reference__in=["AAP-2026-VIO-00047"]).exists()
    dataset = _round_trip(
        ApplicationResource(),
        CSV(),
        lambda rows: rows.append({**rows[0], "reference": "AAP-2026-VIO-00048", "status": ""}),
    )
    assert _errors(ApplicationResource().import_data(dataset, dry_run=False)) == {}
    assert Application.objects.get(reference="AAP-2026-VIO-00048").status == "draft"


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_a_grant_status_and_amount_paid_are_not_imported(dry_run):
    grant = GrantFactory(
        reference="SUB-2026-00001",
        application__reference="AAP-2026-VIO-00050",
        status=Grant.Status.ACTIVE,
    )

    def edit(rows):
        rows[0]["status"] = "closed"
        rows[0]["paid_amount"] = "100000"

    dataset = _round_trip(GrantResource(), XLSX(), edit)

    result = GrantResource().import_data(dataset, dry_run=dry_run)

    assert _errors(result) == {
        1: {
            "status": [
                "Le statut ne se change pas par import : utilisez les actions prévues pour "
                "chaque subvention, qui vérifient le changement et l'inscrivent dans son "
                "historique."
            ],
            "paid_amount": [
                "« Montant versé » ne se change pas par import : seules les actions prévues "
                "pour chaque subvention le modifient."
            ],
        }
    }
    grant.refresh_from_db()
    assert (grant.status, grant.paid_amount) == (Grant.Status.ACTIVE, Decimal("0.00"))
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_a_grant_amount_is_not_raised_by_import(dry_run):
    grant = GrantFactory(
        reference="SUB-2026-00002",
        application__reference="AAP-2026-VIO-00051",
        amount=Decimal("100000.00"),
    )
    dataset = _round_trip(GrantResource(), CSV(), _set("amount", "9000000"))

    result = GrantResource().import_data(dataset, dry_run=dry_run)

    assert _errors(result) == {
        1: {
            "amount": [
                "« Montant accordé » ne se change pas par import : seules les actions prévues "
                "pour chaque subvention le modifient."
            ]
        }
    }
    grant.refresh_from_db()
    assert grant.amount == Decimal("100000.00")


def test_a_convention_status_is_not_imported():
    convention = ConventionFactory(reference="CONV-2018-01", status=Convention.Status.SIGNED)
    dataset = _round_trip(ConventionResource(), CSV(), _set("status", "ended"))

    result = ConventionResource().import_data(dataset, dry_run=False)

    assert list(_errors(result)[1]) == ["status"]
    convention.refresh_from_db()
    assert convention.status == Convention.Status.SIGNED


def test_the_admin_import_shows_the_refusal_and_changes_nothing(
    client, admin_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(
        status=Application.Status.SUBMITTED, reference="AAP-2026-VIO-00049"
    )
    dataset = _round_trip(ApplicationResource(), CSV(), _set("status", "approved"))
    upload = SimpleUploadedFile(
        "applications.csv", CSV().export_data(dataset).encode(), content_type="text/csv"
    )
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:grants_application_import"),
            {"import_file": upload, "format": "1", "resource": "0"},  # 0 XLSX, 1 CSV
        )
    page = client.get(response["Location"])

    assert response.status_code == 302
    assert page.status_code == 200
    assert escape(STATUS_REFUSED) in page.content.decode()
    assert 'name="confirm"' not in page.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not application.status_history.exists()
