"""The procès-verbal of a call's committee: approved applications and amounts per domain."""

from django.utils import timezone

from calls.models import CallDomain
from grants.models import Decision
from portal.pdf import render_pdf


def minutes_context(minutes) -> dict:
    decisions = (
        Decision.objects.filter(minutes=minutes)
        .select_related("application", "application__association", "application__call_domain")
        .order_by("-application__score", "application__reference")
    )
    by_domain = {}
    for decision in decisions:
        by_domain.setdefault(decision.application.call_domain_id, []).append(decision)
    domains = []
    for line in (
        CallDomain.objects.filter(call=minutes.call)
        .select_related("domain")
        .order_by("order", "pk")
    ):
        rows = by_domain.get(line.pk, [])
        approved = [d for d in rows if d.outcome == Decision.Outcome.APPROVED]
        domains.append(
            {
                "line": line,
                "approved": approved,
                "waitlisted": [d for d in rows if d.outcome == Decision.Outcome.WAITLISTED],
                "rejected": [d for d in rows if d.outcome == Decision.Outcome.REJECTED],
                "total": sum((d.amount for d in approved), 0),
            }
        )
    return {
        "minutes": minutes,
        "call": minutes.call,
        "domains": domains,
        "total": sum((d["total"] for d in domains), 0),
        "count": sum(len(d["approved"]) for d in domains),
        "printed_at": timezone.localtime(),
    }


def minutes_pdf(minutes, *, language: str = "fr") -> bytes:
    return render_pdf("grants/minutes_pdf.html", minutes_context(minutes), language=language)
