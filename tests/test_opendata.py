"""Open data: funded projects as CSV and as 360Giving JSON."""

import csv
import io
import json

import pytest
from django.urls import reverse

from reports.opendata import PREFIX
from tests.factories import GrantFactory

pytestmark = pytest.mark.django_db


def test_the_json_follows_the_360giving_required_fields(client):
    grant = GrantFactory(reference="SUB-2026-VIO-00001")

    response = client.get(reverse("reports:opendata_json"))

    data = json.loads(response.content)
    [record] = data["grants"]
    assert response.status_code == 200
    assert record["id"] == f"{PREFIX}SUB-2026-VIO-00001"
    assert record["currency"] == "MAD"
    assert record["amountAwarded"] == float(grant.amount)
    assert record["awardDate"] == grant.awarded_on.isoformat()
    assert record["title"] == grant.application.title
    assert record["recipientOrganization"][0]["name"] == grant.application.association.name_fr
    assert record["fundingOrganization"][0]["id"] == "XM-MA-MSDSEF"
    assert record["grantProgramme"][0]["code"] == grant.application.call.programme.code
    assert record["beneficiaryLocation"][0]["countryCode"] == "MA"
    assert set(record) >= {
        "id",
        "title",
        "description",
        "currency",
        "amountAwarded",
        "awardDate",
        "recipientOrganization",
        "fundingOrganization",
    }


def test_the_csv_neutralises_formula_cells(client):
    GrantFactory(application__title='=HYPERLINK("http://evil.example")')

    response = client.get(reverse("reports:opendata_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Identifier"
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'


def test_cancelled_grants_are_not_published(client):
    GrantFactory(status="cancelled")

    response = client.get(reverse("reports:opendata_json"))

    assert json.loads(response.content) == {"grants": []}
