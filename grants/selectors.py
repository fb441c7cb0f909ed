"""Read queries of the grants' pages, named for what they return."""

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Prefetch, Q, Sum

from calls.models import Call, CallDomain
from grants.models import (
    Application,
    CommitteeMinutes,
    Decision,
    Grant,
    GrantReport,
    ReviewAssignment,
    Tranche,
)
from grants.services.followup import condition_holds

Status = Application.Status

#: What the apps above ``grants`` add to each application of the staff lists, without
#: ``grants`` importing them: name → a function returning an expression of one value per
#: application (a subquery, so the lists keep their query counts). ``integrity`` adds
#: ``open_signals``, the number of its signals not dismissed (its ``AppConfig.ready()``).
APPLICATION_ANNOTATIONS: dict[str, Callable[[], Any]] = {}


def with_annotations(queryset):
    """``queryset`` with every expression of ``APPLICATION_ANNOTATIONS``."""
    return queryset.annotate(**{name: make() for name, make in APPLICATION_ANNOTATIONS.items()})


class StateCounts(list):
    """(state, label, number) rows, with ``flagged``: the applications with open integrity
    signals (``None`` when no app counts them)."""

    flagged: int | None = None


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
    return with_annotations(
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


def workspace_counts(call) -> StateCounts:
    """(state, label, number of applications) for every state but draft, in the states'
    order; ``flagged`` counted in the same query."""
    flagged = "open_signals" in APPLICATION_ANNOTATIONS
    rows = (
        Application.objects.filter(call=call)
        .exclude(status=Status.DRAFT)
        .alias(**({"open_signals": APPLICATION_ANNOTATIONS["open_signals"]()} if flagged else {}))
        .values_list("status")
        .annotate(
            n=Count("id"),
            **({"flagged": Count("id", filter=Q(open_signals__gt=0))} if flagged else {}),
        )
        .order_by()
    )
    counts = {row[0]: row[1:] for row in rows}
    result = StateCounts(
        (value, label, counts.get(value, (0,))[0])
        for value, label in Status.choices
        if value != Status.DRAFT
    )
    if flagged:
        result.flagged = sum(row[1] for row in counts.values())
    return result


def funded_grants():
    """Every grant with its association, call and region, the latest awarded first."""
    return Grant.objects.select_related(
        "application__association", "application__call__programme", "application__region"
    ).order_by("-awarded_on", "reference")


def grant_totals(grants) -> dict:
    """What ``grants`` amount to: ``amount`` granted and ``paid``."""
    return grants.aggregate(amount=Sum("amount"), paid=Sum("paid_amount"))


# --- Instruction and ranking ----------------------------------------------------------------


def latest_submission(application):
    """The version last sent (with its snapshot), or None for an application never sent."""
    return application.submissions.order_by("-number").first()


def application_reviews(application):
    """The application's reviewers' assignments, each with its reviewer and its scores."""
    return application.assignments.select_related("reviewer").prefetch_related("scores__criterion")


def complement_requests(application):
    """The requests for complements of an application, the latest first, each with who asked,
    who answered and the answer's files."""
    return application.complement_requests.select_related(
        "requested_by", "answered_by"
    ).prefetch_related("files")


def grid_criteria(call):
    """The criteria of a call's evaluation grid, in the grid's order."""
    return call.criteria.order_by("order")


def ranking_by_domain(call) -> list[CallDomain]:
    """The call's domains in their order, each with its envelope, committed and remaining
    amounts and ``ranked``: its applications reviewed or decided, those that pass the grid
    first, then by score, each with its association and decision."""
    ranked = (
        with_annotations(
            Application.objects.filter(
                call=call,
                status__in=[Status.REVIEWED, Status.APPROVED, Status.WAITLISTED, Status.REJECTED],
            )
        )
        .select_related("association")
        .prefetch_related(Prefetch("decision", Decision.objects.all()))
        .order_by("-passes_grid", "-score", "reference")
    )
    return list(
        CallDomain.objects.filter(call=call)
        .select_related("domain")
        .prefetch_related(Prefetch("applications", ranked, to_attr="ranked"))
        .order_by("order", "pk")
    )


def latest_minutes(call):
    """The call's committee minutes with the highest number, or None."""
    return CommitteeMinutes.objects.filter(call=call).order_by("-number").first()


# --- A grant's page -------------------------------------------------------------------------


def grant_tranches(grant) -> list[Tranche]:
    """The grant's tranches in order; ``ready`` when a planned tranche's condition holds."""
    tranches = list(grant.tranches.order_by("order"))
    for tranche in tranches:
        tranche.ready = tranche.status == Tranche.Status.PLANNED and condition_holds(tranche)
    return tranches


def grant_reports(grant, *, today):
    """The grant's reports by due date with their beneficiaries and expenses, each with
    ``is_overdue`` on ``today``."""
    return (
        grant.reports.with_overdue(today)
        .order_by("due_on")
        .prefetch_related("beneficiaries__target_public", "expenses")
    )


def grant_visits(grant):
    """The grant's field visits, the latest first, with their officer and files."""
    return grant.visits.select_related("officer").prefetch_related("files")


def grant_audits(grant):
    """The grant's audits, the latest first, with their recommendations."""
    return grant.audits.prefetch_related("recommendations")


def overdue_reports(today):
    """The reports overdue on ``today`` (``GrantReport.objects.overdue``) by grant, with their
    grant and association."""
    return GrantReport.objects.overdue(today).select_related("grant__application__association")
