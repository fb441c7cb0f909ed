"""Compare the portal's figures with every table the Ministry published.

The portal's side comes from ``reports.statistics``, the same functions the bilans and the
dashboards use, so a reconciled figure is the figure every page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from calls.models import Call
from conventions.models import Convention, PartnerCommune
from portal.money import format_amount
from reports import published, statistics


@dataclass(frozen=True)
class Difference:
    cell: str
    expected: str
    found: str


@dataclass
class TableCheck:
    table_id: str
    title: str
    source: str
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def compare(self, cell: str, expected, found) -> None:
        if expected != found:
            self.differences.append(Difference(cell, _show(expected), _show(found)))


def _show(value) -> str:
    if isinstance(value, Decimal):
        return format_amount(value, separator=" ")
    return "—" if value is None else str(value)


def _check_bilan(bilan: published.DomainBilan) -> TableCheck:
    check = TableCheck(bilan.id, bilan.title, bilan.source)
    try:
        table = statistics.domain_table(programme=bilan.programme, edition=bilan.edition)
    except Call.DoesNotExist:
        check.compare(f"{bilan.programme} {bilan.edition}", "appel", None)
        return check
    lines = {line.code: line for line in table.rows}
    for row in bilan.rows:
        line = lines.pop(row.domain, None)
        check.compare(
            f"{row.label} / Nombre de projets", row.projects, line.projects if line else None
        )
        check.compare(f"{row.label} / Montant", row.amount, line.amount if line else None)
        if line is not None:
            check.compare(f"{row.label} / libellé", row.label, line.name_fr)
    for line in lines.values():
        if line.projects:
            check.compare(f"{line.name_fr} / Nombre de projets", None, line.projects)
    check.compare(
        f"{bilan.total_label} / Nombre de projets", bilan.total_projects, table.total_projects
    )
    check.compare(f"{bilan.total_label} / Montant", bilan.total_amount, table.total_amount)
    if bilan.associations is not None:
        check.compare("Nombre d'associations", bilan.associations, table.associations)
    return check


def _check_thematic() -> TableCheck:
    thematic = published.load_thematic()
    check = TableCheck(thematic.id, thematic.title, thematic.source)
    years = statistics.projects_by_year(
        programme=thematic.programme, year_from=min(thematic.years), year_to=max(thematic.years)
    )
    for year, expected in thematic.total_by_year.items():
        check.compare(f"Total / {year}", expected, years.by_year[year].projects)
    try:
        table = statistics.domain_table(programme=thematic.programme, edition=thematic.edition)
    except Call.DoesNotExist:
        check.compare(f"{thematic.programme} {thematic.edition}", "appel", None)
        return check
    check.compare("Total / Nombre de projets", thematic.total_projects, table.total_projects)
    check.compare("Total / Montant", thematic.total_amount, table.total_amount)
    return check


def _check_institutional() -> TableCheck:
    data = published.load_institutional()
    check = TableCheck(data.id, data.title, data.source)
    table = statistics.conventions_by_partner_type(
        kind=Convention.Kind.INSTITUTIONAL, year_from=data.year_from, year_to=data.year_to
    )
    found = {line.code: line.conventions for line in table.rows}
    for row in data.rows:
        check.compare(f"{row.label} / conventions", row.conventions, found.get(row.partner_type, 0))
    check.compare("Total / conventions", data.total, table.total)
    return check


def _check_bilateral() -> TableCheck:
    data = published.load_bilateral()
    check = TableCheck(data["id"], data["title"], data["source"])
    conventions = {
        c.reference: c
        for c in Convention.objects.filter(
            reference__in=[a["reference"] for a in data["agreements"]]
        )
    }
    for agreement in data["agreements"]:
        convention = conventions.get(agreement["reference"])
        label = agreement["country"]
        check.compare(
            f"{label} / date",
            agreement["signed_on"],
            convention.signed_on.isoformat() if convention and convention.signed_on else None,
        )
        check.compare(
            f"{label} / lieu", agreement["place"], convention.place if convention else None
        )
        if agreement.get("amount"):
            check.compare(
                f"{label} / montant ({agreement['currency']})",
                Decimal(agreement["amount"]),
                convention.amount if convention else None,
            )
    return check


def _check_intercommunal() -> TableCheck:
    data = published.load_intercommunal()
    check = TableCheck(data["id"], data["title"], data["source"])
    convention = (
        Convention.objects.filter(kind=Convention.Kind.PROGRAMME, programme__code=data["programme"])
        .prefetch_related("regions")
        .first()
    )
    people = data["beneficiaries"]
    check.compare(
        "Bénéficiaires / habitants",
        people["inhabitants"],
        convention.beneficiaries_total if convention else None,
    )
    check.compare(
        "Bénéficiaires / hommes",
        people["men"],
        convention.beneficiaries_men if convention else None,
    )
    check.compare(
        "Bénéficiaires / femmes",
        people["women"],
        convention.beneficiaries_women if convention else None,
    )
    check.compare("Régions", len(data["regions"]), convention.regions.count() if convention else 0)
    communes = (
        {pc.name: pc for pc in PartnerCommune.objects.filter(convention=convention)}
        if convention
        else {}
    )
    for commune in data["named_communes"]:
        found = communes.get(commune["label"])
        for key, label in (("inhabitants", "habitants"), ("men", "hommes"), ("women", "femmes")):
            check.compare(
                f"{commune['label']} / {label}",
                commune[key],
                getattr(found, key) if found else None,
            )
    return check


def reconcile() -> list[TableCheck]:
    """One check per published table, in the order of the sources."""
    checks = [_check_bilan(bilan) for bilan in published.load_bilans()]
    checks += [
        _check_thematic(),
        _check_institutional(),
        _check_bilateral(),
        _check_intercommunal(),
    ]
    return checks
