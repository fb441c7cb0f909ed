"""Read-only queries on conventions that other pages show (the staff's follow-up page)."""

import datetime as dt

from conventions.models import CommitteeMeeting, Convention


def ending_soon(today: dt.date, *, days: int = 90, limit: int = 20):
    """Conventions still running whose end date falls within ``days``."""
    return (
        Convention.objects.filter(ends_on__range=(today, today + dt.timedelta(days=days)))
        .exclude(status__in=[Convention.Status.ENDED, Convention.Status.TERMINATED])
        .select_related("partner_type")
        .order_by("ends_on")[:limit]
    )


def upcoming_meetings(today: dt.date, *, limit: int = 20):
    """Committee meetings from today on."""
    return (
        CommitteeMeeting.objects.filter(held_on__gte=today)
        .select_related("convention")
        .order_by("held_on")[:limit]
    )
