"""Read queries of the grants' pages, named for what they return."""

from django.db.models import Count, Q, Sum

from calls.models import Call
from grants.models import Application, Grant, ReviewAssignment

Status = Application.Status


def calls_with_application_counts():
    """Every public call with its applications (drafts left out), those to check for
    admissibility and those reviewed and waiting for the committee."""
    return (
        Call.objects.public()
        .select_related("programme")
        .annotate(
            applications_count=Count("applications", filter=~Q(applications__status=Status.DRAFT)),
            to_check=Count("applications", filter=Q(applications__status=Status.SUBMITTED)),
            to_decide=Count("applications", filter=Q(applications__status=Status.REVIEWED)),
        )
        .order_by("-year", "programme__code")
    )


def workspace_applications(call):
    """A call's submitted applications (every state but draft), each with its number of
    reviews (conflicts of interest left out), by reference."""
    return (
        Application.objects.filter(call=call)
        .exclude(status=Status.DRAFT)
        .select_related("association", "call_domain__domain", "province", "region")
        .annotate(
            reviews=Count(
                "assignments",
                filter=~Q(assignments__status=ReviewAssignment.Status.CONFLICT),
                distinct=True,
            )
        )
        .order_by("reference", "pk")
    )


def workspace_counts(call) -> list[tuple[str, str, int]]:
    """(state, label, number of applications) for every state but draft, in the states'
    order."""
    counts = dict(
        Application.objects.filter(call=call)
        .exclude(status=Status.DRAFT)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        (value, label, counts.get(value, 0))
        for value, label in Status.choices
        if value != Status.DRAFT
    ]


def funded_grants():
    """Every grant with its association, call and region, the latest awarded first."""
    return Grant.objects.select_related(
        "application__association", "application__call__programme", "application__region"
    ).order_by("-awarded_on", "reference")


def grant_totals(grants) -> dict:
    """What ``grants`` amount to: ``amount`` granted and ``paid``."""
    return grants.aggregate(amount=Sum("amount"), paid=Sum("paid_amount"))
