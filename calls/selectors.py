"""Read-only queries behind the public call pages, named for what they return."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Sum

from calls.models import FAQ, Call, CallDomain, Criterion, RequiredDocument


def public_calls():
    """The calls the public may see, with their programme."""
    return Call.objects.public().select_related("programme")


def public_calls_by_state(*, now, programme=None, domain=None) -> dict:
    """The public calls (of a programme, with a domain, when given) that are open, upcoming and
    closed at ``now``, as unevaluated querysets keyed by state."""
    calls = Call.objects.public()
    if programme:
        calls = calls.filter(programme=programme)
    if domain:
        calls = calls.filter(call_domains__domain=domain)
    return {
        "open": calls.accepting(now),
        "upcoming": calls.upcoming(now),
        "closed": calls.closed(now),
    }


def listed_calls(queryset, *, state: str):
    """The calls of the list with their programme, total envelope and number of domains: by
    closing date, the most recently closed first for closed calls."""
    ordering = ("-closes_at", "-year") if state == "closed" else ("closes_at", "-year")
    return (
        queryset.select_related("programme")
        .annotate(total_envelope=Sum("call_domains__envelope"), domain_count=Count("call_domains"))
        .order_by(*ordering)
    )


def call_with_details(pk: int) -> Call:
    """The call with its programme, domains (with target publics), criteria, required documents
    and FAQ in their order (5 queries)."""
    return (
        Call.objects.filter(pk=pk)
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "call_domains",
                CallDomain.objects.select_related("domain").prefetch_related(
                    "domain__target_publics"
                ),
            ),
            Prefetch("criteria", Criterion.objects.order_by("order")),
            Prefetch("required_documents", RequiredDocument.objects.order_by("order")),
            Prefetch("faqs", FAQ.objects.order_by("order")),
        )
        .get()
    )


def accepting_calls(now):
    """The calls accepting applications at ``now`` with their programme, total envelope and
    number of domains, closing soonest first."""
    return (
        Call.objects.accepting(now)
        .select_related("programme")
        .annotate(total_envelope=Sum("call_domains__envelope"), domain_count=Count("call_domains"))
        .order_by("closes_at")
    )


def upcoming_call_count(now) -> int:
    """How many calls open after ``now`` (1 query)."""
    return Call.objects.upcoming(now).count()
