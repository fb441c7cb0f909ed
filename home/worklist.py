"""What waits for a staff officer, counted in a few aggregate queries: the home page's
"to do" panel, each line linking to the page where it is done."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from grants.models import Application, Grant, GrantReport, Tranche


@dataclass(frozen=True)
class Task:
    label: str
    count: int
    url: str


def staff_tasks(today=None) -> list[Task]:
    """Only the lines with something to do."""
    today = today or timezone.localdate()
    applications = Application.objects.aggregate(
        to_check=Count("pk", filter=Q(status=Application.Status.SUBMITTED)),
        consensus=Count(
            "pk", filter=Q(needs_consensus=True, status=Application.Status.UNDER_REVIEW)
        ),
    )
    to_review = GrantReport.objects.filter(status=GrantReport.Status.SUBMITTED).count()
    overdue = GrantReport.objects.overdue(today).count()
    grants = reverse("grants:grants")
    evaluation = reverse("grants:evaluation_calls")
    lines = [
        Task(
            _("Associations awaiting verification"),
            Association.objects.filter(status=Association.Status.PENDING).count(),
            reverse("associations:verification_queue"),
        ),
        Task(_("Applications to check for admissibility"), applications["to_check"], evaluation),
        Task(_("Applications awaiting a consensus"), applications["consensus"], evaluation),
        Task(
            _("Conventions awaiting signature"),
            Grant.objects.filter(status=Grant.Status.PENDING_SIGNATURE).count(),
            f"{grants}?status={Grant.Status.PENDING_SIGNATURE}",
        ),
        Task(
            _("Tranches released, to pay"),
            Tranche.objects.filter(status=Tranche.Status.RELEASED).count(),
            grants,
        ),
        Task(_("Reports to review"), to_review, grants),
        Task(_("Overdue reports"), overdue, grants),
    ]
    return [line for line in lines if line.count]
