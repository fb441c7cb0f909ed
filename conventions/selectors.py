"""Read-only queries on conventions: the register, and what other pages show (the staff's
follow-up page)."""

import datetime as dt

from django.db.models import Count, Prefetch

from associations.models import Region
from conventions.models import (
    Amendment,
    CommitteeMeeting,
    Convention,
    ConventionAttachment,
    ConventionParty,
    PartnerType,
)


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


# --- The register ---------------------------------------------------------------------------


def register():
    """Every convention with its partner type (to be filtered by ``ConventionFilter``)."""
    return Convention.objects.select_related("partner_type")


def in_register_order(conventions):
    """The latest year first, then by reference."""
    return conventions.order_by("-year", "reference")


def with_parties(conventions):
    """In the register's order, with each convention's parties and their partners."""
    return in_register_order(conventions).prefetch_related(
        Prefetch("parties", ConventionParty.objects.select_related("partner"))
    )


def counts_by_partner_type(conventions):
    """How many of ``conventions`` each partner type has, in the partner types' order."""
    return (
        conventions.order_by()
        .values(
            "partner_type__pk",
            "partner_type__name_fr",
            "partner_type__name_ar",
            "partner_type__name_en",
        )
        .annotate(n=Count("pk", distinct=True))
        .order_by("partner_type__order")
    )


def register_years():
    """The years that have conventions, latest first."""
    return (
        Convention.objects.exclude(year=None)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def partner_types():
    """The partner types: the register's filter choices."""
    return PartnerType.objects.all()


def regions():
    """The regions: the register's filter choices."""
    return Region.objects.all()


def conventions_with_details():
    """Conventions with partner type, programme, grant, parties (with their partner's type),
    amendments by number, meetings by date, communes (with region), target publics, regions and
    attachments newest first: what a convention's page reads."""
    return Convention.objects.select_related("partner_type", "programme", "grant").prefetch_related(
        Prefetch("parties", ConventionParty.objects.select_related("partner__partner_type")),
        Prefetch("amendments", Amendment.objects.order_by("number")),
        Prefetch("meetings", CommitteeMeeting.objects.order_by("held_on")),
        "partner_communes__region",
        "target_publics",
        "regions",
        Prefetch("attachments", ConventionAttachment.objects.order_by("-uploaded_at")),
    )
