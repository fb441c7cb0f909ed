"""The portal's figures, computed from its records: one source for the bilans, the dashboards
and the reconciliation with the Ministry's published tables.

Every function runs a fixed number of queries, whatever the number of rows. A "project" is a
grant that was not cancelled; its amount is the amount granted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, IntegerField, Sum
from django.db.models.functions import Coalesce, ExtractYear

from calls.models import Call, CallDomain
from conventions.models import Convention
from grants.models import Grant
from portal.i18n import pick
from portal.money import quantize

ZERO = Decimal("0.00")


def funded_grants():
    """Grants that count in the statistics: every grant not cancelled."""
    return Grant.objects.exclude(status=Grant.Status.CANCELLED)


@dataclass(frozen=True)
class DomainLine:
    domain_id: int
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    projects: int
    amount: Decimal

    @property
    def name(self) -> str:
        return pick(self)


@dataclass(frozen=True)
class DomainTable:
    """Domaine d'intervention | Nombre de projets | Montant du soutien financier (DH)."""

    programme: str
    edition: str
    call_id: int
    rows: tuple[DomainLine, ...]
    total_projects: int
    total_amount: Decimal
    associations: int

    def share_of_projects(self, line: DomainLine) -> Decimal:
        if not self.total_projects:
            return ZERO
        return Decimal(line.projects * 100) / Decimal(self.total_projects)

    def share_of_amount(self, line: DomainLine) -> Decimal:
        if not self.total_amount:
            return ZERO
        return line.amount * 100 / self.total_amount


def get_call(*, programme: str, edition: str) -> Call:
    """The call of a programme's edition; raises ``Call.DoesNotExist``."""
    return Call.objects.select_related("programme").get(programme__code=programme, edition=edition)


def domain_table(*, programme: str, edition: str) -> DomainTable:
    """Projects, amounts and associations by domain for one edition (4 queries)."""
    call = get_call(programme=programme, edition=edition)
    call_domains = list(
        CallDomain.objects.filter(call=call)
        .select_related("domain")
        .order_by("order", "domain__order", "domain__name_fr")
    )
    grants = funded_grants().filter(application__call=call)
    figures = {
        row["application__call_domain"]: row
        for row in grants.values("application__call_domain").annotate(
            projects=Count("id"), amount=Sum("amount")
        )
    }
    totals = grants.aggregate(associations=Count("application__association", distinct=True))
    rows = tuple(
        DomainLine(
            domain_id=cd.domain_id,
            code=cd.domain.code,
            name_fr=cd.domain.name_fr,
            name_ar=cd.domain.name_ar,
            name_en=cd.domain.name_en,
            projects=figures.get(cd.pk, {}).get("projects", 0),
            amount=quantize(figures.get(cd.pk, {}).get("amount") or ZERO),
        )
        for cd in call_domains
    )
    return DomainTable(
        programme=programme,
        edition=edition,
        call_id=call.pk,
        rows=rows,
        total_projects=sum(r.projects for r in rows),
        total_amount=sum((r.amount for r in rows), ZERO),
        associations=totals["associations"],
    )


@dataclass(frozen=True)
class YearCell:
    projects: int = 0
    amount: Decimal = ZERO


@dataclass(frozen=True)
class DomainYearLine:
    domain_id: int
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    cells: dict[int, YearCell]

    @property
    def name(self) -> str:
        return pick(self)

    @property
    def total(self) -> YearCell:
        return YearCell(
            projects=sum(c.projects for c in self.cells.values()),
            amount=sum((c.amount for c in self.cells.values()), ZERO),
        )


@dataclass(frozen=True)
class YearTable:
    """Domain × year: projects and amounts per year of award, over a range of years."""

    programme: str
    years: tuple[int, ...]
    rows: tuple[DomainYearLine, ...]
    by_year: dict[int, YearCell] = field(default_factory=dict)

    @property
    def total(self) -> YearCell:
        return YearCell(
            projects=sum(c.projects for c in self.by_year.values()),
            amount=sum((c.amount for c in self.by_year.values()), ZERO),
        )


def projects_by_year(*, programme: str, year_from: int, year_to: int) -> YearTable:
    """Grants of a programme by domain and year of award (1 query)."""
    years = tuple(range(year_from, year_to + 1))
    grouped = (
        funded_grants()
        .filter(
            application__call__programme__code=programme,
            awarded_on__year__gte=year_from,
            awarded_on__year__lte=year_to,
        )
        .annotate(year=ExtractYear("awarded_on"))
        .values(
            "year",
            "application__call_domain__domain_id",
            "application__call_domain__domain__code",
            "application__call_domain__domain__name_fr",
            "application__call_domain__domain__name_ar",
            "application__call_domain__domain__name_en",
            "application__call_domain__domain__order",
        )
        .annotate(projects=Count("id"), amount=Sum("amount"))
        .order_by("application__call_domain__domain__order", "year")
    )
    lines: dict[int, dict] = {}
    by_year: dict[int, YearCell] = {year: YearCell() for year in years}
    for row in grouped:
        domain_id = row["application__call_domain__domain_id"]
        line = lines.setdefault(
            domain_id,
            {
                "domain_id": domain_id,
                "code": row["application__call_domain__domain__code"],
                "name_fr": row["application__call_domain__domain__name_fr"],
                "name_ar": row["application__call_domain__domain__name_ar"],
                "name_en": row["application__call_domain__domain__name_en"],
                "cells": {year: YearCell() for year in years},
            },
        )
        cell = YearCell(projects=row["projects"], amount=quantize(row["amount"] or ZERO))
        line["cells"][row["year"]] = cell
        previous = by_year[row["year"]]
        by_year[row["year"]] = YearCell(
            projects=previous.projects + cell.projects, amount=previous.amount + cell.amount
        )
    return YearTable(
        programme=programme,
        years=years,
        rows=tuple(DomainYearLine(**line) for line in lines.values()),
        by_year=by_year,
    )


@dataclass(frozen=True)
class PartnerTypeLine:
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    conventions: int

    @property
    def name(self) -> str:
        return pick(self)


@dataclass(frozen=True)
class PartnerTypeTable:
    """Conventions by partner type; ``by_year`` gives each type's count per year."""

    kind: str
    year_from: int | None
    year_to: int | None
    rows: tuple[PartnerTypeLine, ...]
    years: tuple[int, ...] = ()
    by_year: dict = field(default_factory=dict)  # {(partner type code, year): count}

    @property
    def total(self) -> int:
        return sum(r.conventions for r in self.rows)

    @property
    def grid(self) -> list[tuple[PartnerTypeLine, list[int]]]:
        """Each partner type with its count per year of ``years``."""
        return [
            (line, [self.by_year.get((line.code, year), 0) for year in self.years])
            for line in self.rows
        ]

    @property
    def year_totals(self) -> list[int]:
        return [
            sum(n for (_code, y), n in self.by_year.items() if y == year) for year in self.years
        ]


def conventions_by_partner_type(
    *,
    kind: str = Convention.Kind.INSTITUTIONAL,
    year_from: int | None = None,
    year_to: int | None = None,
) -> PartnerTypeTable:
    """Conventions of a kind by partner type, signed within the years (1 query).

    A convention's year is its ``year`` when only the year is known, else its year of signature.
    """
    conventions = Convention.objects.filter(kind=kind).annotate(
        convention_year=Coalesce("year", ExtractYear("signed_on"), output_field=IntegerField())
    )
    if year_from is not None:
        conventions = conventions.filter(convention_year__gte=year_from)
    if year_to is not None:
        conventions = conventions.filter(convention_year__lte=year_to)
    grouped = (
        conventions.values(
            "partner_type__code",
            "partner_type__name_fr",
            "partner_type__name_ar",
            "partner_type__name_en",
            "partner_type__order",
            "convention_year",
        )
        .annotate(n=Count("id"))
        .order_by("partner_type__order", "partner_type__code", "convention_year")
    )
    lines: dict[str, dict] = {}
    by_year: dict[tuple[str, int], int] = {}
    for row in grouped:
        code = row["partner_type__code"]
        line = lines.setdefault(
            code,
            {
                "code": code,
                "name_fr": row["partner_type__name_fr"],
                "name_ar": row["partner_type__name_ar"],
                "name_en": row["partner_type__name_en"],
                "conventions": 0,
            },
        )
        line["conventions"] += row["n"]
        if row["convention_year"] is not None:
            by_year[code, row["convention_year"]] = row["n"]
    return PartnerTypeTable(
        kind=kind,
        year_from=year_from,
        year_to=year_to,
        rows=tuple(PartnerTypeLine(**line) for line in lines.values()),
        years=tuple(sorted({year for _code, year in by_year})),
        by_year=by_year,
    )
