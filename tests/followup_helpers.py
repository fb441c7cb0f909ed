"""Steps of a grant's follow-up shared by the tests."""

from grants.services import followup


def accept_report(report, by) -> None:
    """The association's report sent (narrative only) and accepted by staff."""
    followup.submit_report(
        report,
        activities_done="Ateliers tenus.",
        difficulties="",
        beneficiaries={},
        expenses=[],
        by=by,
    )
    followup.review_report(report, accept=True, comment="", by=by)
