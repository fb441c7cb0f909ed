"""Read-only queries behind the bilans, dashboards and open data, beyond ``statistics``.

Each runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from calls.models import Call, Programme
from grants.models import Beneficiaries
from portal.i18n import pick
from portal.money import quantize
from reports.models import ReportJob
from reports.statistics import ZERO, funded_grants


def bilan_jobs_with_scope():
    """Bilan jobs with their programme and call (1 query), newest first."""
    return ReportJob.objects.select_related("programme", "call")


def bilan_jobs():
    """Every bilan job, newest first, with its programme, call and requester: the history the
    bilans page paginates (nothing cut)."""
    return ReportJob.objects.select_related("programme", "call", "requested_by")


def programmes():
    """The programmes, by French name: the dashboard's choices."""
    return Programme.objects.order_by("name_fr")


def first_call_of(calls, programme: str) -> Call | None:
    """The earliest of ``calls`` in the programme (by code), or None (1 query)."""
    return calls.filter(programme__code=programme).order_by("year").first()


def published_calls():
    """The calls other than drafts, with their programme: the dashboard's editions."""
    return Call.objects.select_related("programme").exclude(status=Call.Status.DRAFT)


@dataclass(frozen=True)
class RegionLine:
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    projects: int
    amount: Decimal

    @property
    def name(self) -> str:
        return pick(self)


def by_region(
    *,
    call_ids: list[int] | None = None,
    programme: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> list[RegionLine]:
    """Funded projects and amounts by region of the project (1 query)."""
    grants = _grants(call_ids=call_ids, programme=programme, year_from=year_from, year_to=year_to)
    rows = (
        grants.values(
            "application__region__code",
            "application__region__name_fr",
            "application__region__name_ar",
            "application__region__name_en",
        )
        .annotate(projects=Count("id"), amount=Sum("amount"))
        .order_by("application__region__code")
    )
    return [
        RegionLine(
            code=r["application__region__code"] or "",
            name_fr=r["application__region__name_fr"] or "—",
            name_ar=r["application__region__name_ar"] or "—",
            name_en=r["application__region__name_en"] or "—",
            projects=r["projects"],
            amount=quantize(r["amount"] or ZERO),
        )
        for r in rows
    ]


def _grants(*, call_ids=None, programme=None, year_from=None, year_to=None):
    grants = funded_grants()
    if call_ids is not None:
        grants = grants.filter(application__call_id__in=call_ids)
    if programme:
        grants = grants.filter(application__call__programme__code=programme)
    if year_from:
        grants = grants.filter(awarded_on__year__gte=year_from)
    if year_to:
        grants = grants.filter(awarded_on__year__lte=year_to)
    return grants


def funded_projects(
    *,
    call_ids: list[int] | None = None,
    programme: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
):
    """Every funded project with its association, domain and region (1 query)."""
    return (
        _grants(call_ids=call_ids, programme=programme, year_from=year_from, year_to=year_to)
        .select_related(
            "application__association",
            "application__region",
            "application__call_domain__domain",
            "application__call__programme",
        )
        .order_by("application__call_domain__order", "reference")
    )


@dataclass(frozen=True)
class MoneyFigures:
    awarded: Decimal
    paid: Decimal
    remaining: Decimal
    grants: int


def grants_money(*, programme: str | None = None) -> MoneyFigures:
    """Grants awarded, paid and remaining (1 query)."""
    grants = _grants(programme=programme)
    row = grants.aggregate(n=Count("id"), awarded=Sum("amount"), paid=Sum("paid_amount"))
    awarded, paid = quantize(row["awarded"] or ZERO), quantize(row["paid"] or ZERO)
    return MoneyFigures(awarded=awarded, paid=paid, remaining=awarded - paid, grants=row["n"])


def beneficiaries_by_public(*, programme: str | None = None):
    """Planned beneficiaries of funded projects by target public and sex (1 query)."""
    rows = (
        Beneficiaries.objects.filter(application__grant__in=_grants(programme=programme))
        .values(
            "target_public__code",
            "target_public__name_fr",
            "target_public__name_ar",
            "target_public__name_en",
        )
        .annotate(women=Sum("women"), men=Sum("men"))
        .order_by("target_public__name_fr")
    )
    return list(rows)
