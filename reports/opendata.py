"""Funded projects as open data: CSV and JSON following the 360Giving data standard.

Identifiers use the prefix ``360G-MSDSEF-``, provisional until the Ministry registers its own
with 360Giving. Only organisations and projects: no personal data.
"""

from __future__ import annotations

from portal.spreadsheets import neutralise_row
from reports.selectors import funded_projects

PREFIX = "360G-MSDSEF-"
FUNDER = {
    "id": "XM-MA-MSDSEF",
    "name": "Ministère de la Solidarité, du Développement social, de l'Egalité et de la Famille",
}
CSV_HEADER = (
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
)


def _grant(grant) -> dict:
    application = grant.application
    association = application.association
    record = {
        "id": f"{PREFIX}{grant.reference}",
        "title": application.title,
        "description": application.summary or application.title,
        "currency": grant.currency,
        "amountAwarded": float(grant.amount),
        "awardDate": grant.awarded_on.isoformat(),
        "recipientOrganization": [
            {
                "id": f"{PREFIX}ORG-{association.registration_number or association.pk}",
                "name": association.name_fr,
            }
        ],
        "fundingOrganization": [FUNDER],
        "grantProgramme": [
            {
                "code": application.call.programme.code,
                "title": application.call.programme.name_fr,
            }
        ],
    }
    if application.region_id:
        record["beneficiaryLocation"] = [
            {
                "name": application.region.name_fr,
                "countryCode": "MA",
            }
        ]
    if grant.starts_on and grant.ends_on:
        record["plannedDates"] = [
            {
                "startDate": grant.starts_on.isoformat(),
                "endDate": grant.ends_on.isoformat(),
            }
        ]
    return record


def grants_360() -> dict:
    return {"grants": [_grant(grant) for grant in funded_projects()]}


def csv_rows():
    yield CSV_HEADER
    for grant in funded_projects():
        record = _grant(grant)
        yield neutralise_row(
            [
                record["id"],
                record["title"],
                record["description"],
                record["currency"],
                f"{grant.amount:.2f}",
                record["awardDate"],
                record["recipientOrganization"][0]["id"],
                record["recipientOrganization"][0]["name"],
                FUNDER["id"],
                FUNDER["name"],
                record["grantProgramme"][0]["code"],
                record["grantProgramme"][0]["title"],
                record.get("beneficiaryLocation", [{}])[0].get("name", ""),
                record.get("plannedDates", [{}])[0].get("startDate", ""),
                record.get("plannedDates", [{}])[0].get("endDate", ""),
            ]
        )
