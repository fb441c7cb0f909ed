"""A bilan's content, assembled once and rendered as a web page, a PDF or a workbook.

The figures come from ``reports.statistics`` and ``reports.selectors``: the same functions the
reconciliation uses, so a bilan always agrees with ``reconcile``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calls.models import Programme
from portal.i18n import pick
from portal.money import format_amount
from reports import published, selectors, statistics
from reports.charts import Bar, bar_chart


@dataclass(frozen=True)
class Line:
    label: str
    projects: int
    amount: Decimal
    share_projects: Decimal
    share_amount: Decimal


@dataclass
class Bilan:
    programme: Programme
    edition: str | None
    year_from: int | None
    year_to: int | None
    language: str
    title: str
    period: str
    lines: list[Line]
    total_projects: int
    total_amount: Decimal
    associations: int | None
    chart_projects: str
    chart_amounts: str
    years: tuple[int, ...] = ()
    year_rows: list[tuple[str, list[tuple[int, Decimal]], int, Decimal]] = field(
        default_factory=list
    )
    year_totals: list[tuple[int, Decimal]] = field(default_factory=list)
    regions: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    published_title: str = ""
    generated_at: object = None

    @property
    def rtl(self) -> bool:
        return self.language == "ar"


def _share(part, whole) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)) if whole else Decimal(0)


def build_bilan(
    *,
    programme: str,
    edition: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    language: str = "fr",
    progress: Callable[[int], None] | None = None,
) -> Bilan:
    """Gather everything a bilan shows; ``progress(percent)`` is called as sections are done.

    Raises ``Programme.DoesNotExist`` or ``Call.DoesNotExist`` for unknown inputs.
    """
    step = progress or (lambda _percent: None)
    with translation.override(language):
        programme_obj = Programme.objects.get(code=programme)
        step(10)
        call_ids = None
        year_rows, year_totals, years = [], [], ()
        if edition:
            table = statistics.domain_table(programme=programme, edition=edition)
            call_ids = [table.call_id]
            lines = [
                Line(
                    pick(row, language=language),
                    row.projects,
                    row.amount,
                    table.share_of_projects(row),
                    table.share_of_amount(row),
                )
                for row in table.rows
            ]
            total_projects, total_amount = table.total_projects, table.total_amount
            associations = table.associations
            period = edition
            source = published.find_bilan(programme, edition)
        else:
            if year_from is None or year_to is None:
                raise ValueError(_("Give an edition or a range of years."))
            by_year = statistics.projects_by_year(
                programme=programme, year_from=year_from, year_to=year_to
            )
            years = by_year.years
            total_projects, total_amount = by_year.total.projects, by_year.total.amount
            lines = [
                Line(
                    pick(row, language=language),
                    row.total.projects,
                    row.total.amount,
                    _share(row.total.projects, total_projects),
                    _share(row.total.amount, total_amount) if total_amount else Decimal(0),
                )
                for row in by_year.rows
            ]
            year_rows = [
                (
                    pick(row, language=language),
                    [(row.cells[y].projects, row.cells[y].amount) for y in years],
                    row.total.projects,
                    row.total.amount,
                )
                for row in by_year.rows
            ]
            year_totals = [(by_year.by_year[y].projects, by_year.by_year[y].amount) for y in years]
            associations = None
            period = f"{year_from}-{year_to}" if year_from != year_to else str(year_from)
            source = None
        step(35)
        chart_projects = bar_chart(
            [Bar(line.label, line.projects, str(line.projects)) for line in lines],
            title=_("Chart No. 1: projects by domain of intervention"),
            rtl=language == "ar",
        )
        chart_amounts = bar_chart(
            [Bar(line.label, line.amount, format_amount(line.amount)) for line in lines],
            title=_("Chart No. 2: financial support by domain of intervention"),
            rtl=language == "ar",
        )
        step(55)
        regions = selectors.by_region(
            call_ids=call_ids,
            programme=None if call_ids else programme,
            year_from=None if call_ids else year_from,
            year_to=None if call_ids else year_to,
        )
        step(70)
        projects = list(
            selectors.funded_projects(
                call_ids=call_ids,
                programme=None if call_ids else programme,
                year_from=None if call_ids else year_from,
                year_to=None if call_ids else year_to,
            )
        )
        step(85)
        return Bilan(
            programme=programme_obj,
            edition=edition,
            year_from=year_from,
            year_to=year_to,
            language=language,
            title=pick(programme_obj, language=language),
            period=period,
            lines=lines,
            total_projects=total_projects,
            total_amount=total_amount,
            associations=associations,
            chart_projects=chart_projects,
            chart_amounts=chart_amounts,
            years=years,
            year_rows=year_rows,
            year_totals=year_totals,
            regions=regions,
            projects=projects,
            published_title=source.title if source else "",
            generated_at=timezone.localtime(),
        )
