"""What the grants' pages show of integrity signals, without grants importing this app:
``{% load integrity_tags %}`` in their templates."""

from django import template
from django.contrib.contenttypes.models import ContentType

from grants.models import Decision
from integrity.diff import side_by_side
from integrity.models import Signal
from portal.models import StatusChange

register = template.Library()


def signals_with_history(signals) -> list[Signal]:
    """``signals`` each with ``changes``, its history (one query for all)."""
    signals = list(signals)
    changes: dict[int, list[StatusChange]] = {}
    for change in (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Signal),
            object_id__in=[s.pk for s in signals],
        )
        .select_related("by")
        .order_by("at", "pk")
    ):
        changes.setdefault(change.object_id, []).append(change)
    for signal in signals:
        signal.changes = changes.get(signal.pk, [])
        signal.decision = next((c for c in reversed(signal.changes) if c.from_state), None)
    return signals


@register.inclusion_tag("integrity/_signals.html", takes_context=True)
def integrity_signals(context, application):
    """The application's signals with their evidence, links and history; nothing for a user
    who may not see them."""
    user = context["request"].user
    if not user.has_perm("integrity.view_signals"):
        return {"visible": False}
    signals = signals_with_history(
        Signal.objects.filter(application=application).select_related(
            "related_application__association", "related_association", "related_grant"
        )
    )
    for signal in signals:
        if signal.kind == Signal.Kind.SIMILAR_TEXT:
            signal.left, signal.right = side_by_side(
                signal.evidence.get("text", ""), signal.evidence.get("other_text", "")
            )
    return {
        "visible": True,
        "signals": signals,
        "can_decide": user.has_perm("integrity.decide_signals"),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "application": application,
    }


@register.inclusion_tag("integrity/_minutes_signals.html")
def kept_signals(minutes):
    """For the minutes: the signals kept for the applications ``minutes`` approve, each with
    the reason staff gave."""
    approved = Decision.objects.filter(minutes=minutes, outcome=Decision.Outcome.APPROVED)
    signals = signals_with_history(
        Signal.objects.filter(
            application__in=approved.values("application"), status=Signal.Status.KEPT
        )
        .select_related("application")
        .order_by("application__reference", "kind", "key")
    )
    return {"signals": signals}
