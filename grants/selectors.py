"""Read queries of the grants' pages, named for what they return."""

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, Sum

from associations.models import Association, Membership, Region
from calls.models import Call, CallDomain, Programme
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationSubmission,
    CommitteeMinutes,
    ComplementFile,
    ComplementRequest,
    Decision,
    Grant,
    GrantReport,
    ReviewAssignment,
    Tranche,
)
from grants.services.followup import condition_holds
from portal.models import StatusChange

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


# --- The association's side ----------------------------------------------------------------


def memberships_with_association(user) -> list[Membership]:
    """The user's memberships with their association (1 query)."""
    return list(Membership.objects.filter(user=user).select_related("association"))


def is_member(association, user) -> bool:
    """Whether the user is a member of the association (1 query)."""
    return association.memberships.filter(user=user).exists()


def associations_of(user):
    """The associations the user is a member of, by French name."""
    return Association.objects.filter(memberships__user=user).order_by("name_fr")


def applications_of(associations) -> list[Application]:
    """The associations' applications, most recently updated first, with association, call,
    programme and domain, each with ``open_requests``: its unanswered requests for complements
    (2 queries)."""
    return list(
        Application.objects.filter(association__in=associations)
        .select_related(
            "association", "call", "call__programme", "call_domain", "call_domain__domain"
        )
        .prefetch_related(
            Prefetch(
                "complement_requests",
                ComplementRequest.objects.filter(answered_at=None),
                to_attr="open_requests",
            )
        )
        .order_by("-updated_at")
    )


def grants_of(associations) -> list[Grant]:
    """The associations' grants, latest awarded first, with application and association."""
    return list(
        Grant.objects.filter(application__association__in=associations)
        .select_related("application", "application__association")
        .order_by("-awarded_on")
    )


def status_changes_by_application(applications) -> dict[int, list[StatusChange]]:
    """The status changes of each application, oldest first, keyed by application id (1 query,
    none without applications)."""
    changes: dict[int, list[StatusChange]] = {application.pk: [] for application in applications}
    if applications:
        for change in StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Application),
            object_id__in=list(changes),
        ).order_by("at"):
            changes[change.object_id].append(change)
    return changes


def accepting_calls_with_programme():
    """The calls accepting applications now, with their programme."""
    return Call.objects.accepting().select_related("programme")


def public_calls_with_programme():
    """The calls the public may see, with their programme."""
    return Call.objects.public().select_related("programme")


def application_submissions(application):
    """The application's submitted versions, the latest first, with who submitted each."""
    return application.submissions.select_related("submitted_by").order_by("-number")


def application_grant(application) -> Grant | None:
    """The application's grant, if it has one (1 query)."""
    return Grant.objects.filter(application=application).first()


def submissions_with_application():
    """Submitted versions with who submitted them and their application."""
    return ApplicationSubmission.objects.select_related("submitted_by", "application")


def documents_with_association():
    """Application documents with their application's association (for the read check)."""
    return ApplicationDocument.objects.select_related("application__association")


def complement_files_with_association():
    """Files answering requests for complements with the application's association."""
    return ComplementFile.objects.select_related("request__application__association")


# --- Staff and reviewers -------------------------------------------------------------------


def submitted_applications():
    """Applications past the draft, with call, programme, association and domain."""
    return Application.objects.select_related(
        "call", "call__programme", "association", "call_domain__domain"
    ).exclude(status=Application.Status.DRAFT)


def review_assignments_of(user):
    """The reviewer's assignments with the application's call and domain, by status then
    application reference."""
    return (
        ReviewAssignment.objects.filter(reviewer=user)
        .select_related("application__call", "application__call_domain__domain")
        .order_by("status", "application__reference")
    )


def assignments_with_application():
    """Review assignments with their application, its call and its association."""
    return ReviewAssignment.objects.select_related(
        "application", "application__call", "application__association"
    )


def minutes_with_call():
    """Committee minutes with their call."""
    return CommitteeMinutes.objects.select_related("call")


def programmes():
    """The programmes, by French name: the grant list's choices."""
    return Programme.objects.order_by("name_fr")


def regions():
    """The regions: the grant list's choices."""
    return Region.objects.all()
