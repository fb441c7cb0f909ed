"""The Ministry's published tables (``fixtures/published/``), loaded as typed, read-only data.

These are the ground truth the portal's figures must reproduce. ``check_internal_consistency``
reports the published tables whose parts do not add up to their own totals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

PUBLISHED_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "published"


@dataclass(frozen=True)
class DomainRow:
    domain: str  # the domain's code in the reference data
    label: str  # as published, character for character
    projects: int
    amount: Decimal


@dataclass(frozen=True)
class DomainBilan:
    """A table "Domaine d'intervention | Nombre de projets | Montant du soutien financier"."""

    id: str
    source: str
    title: str
    programme: str
    edition: str
    rows: tuple[DomainRow, ...]
    total_label: str
    total_projects: int
    total_amount: Decimal
    associations: int | None


@dataclass(frozen=True)
class DomainYearRow:
    domain: str
    label: str
    total: int
    cells: tuple[int, ...]  # as published: empty cells were lost, so years are unknown


@dataclass(frozen=True)
class DomainYearTable:
    id: str
    source: str
    title: str
    programme: str
    edition: str
    years: tuple[int, ...]
    rows: tuple[DomainYearRow, ...]
    total_by_year: dict[int, int]
    total_projects: int
    total_amount: Decimal


@dataclass(frozen=True)
class PartnerTypeRow:
    partner_type: str
    label: str
    conventions: int


@dataclass(frozen=True)
class ConventionsTable:
    id: str
    source: str
    title: str
    year_from: int
    year_to: int
    rows: tuple[PartnerTypeRow, ...]
    total: int


@dataclass(frozen=True)
class Finding:
    """A published table whose parts do not add up to its stated total."""

    table_id: str
    source: str
    cell: str
    expected: str  # what the table states
    found: str  # what its parts add up to
    message: str


def _read(name: str) -> dict:
    return json.loads((PUBLISHED_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _bilan(data: dict) -> DomainBilan:
    return DomainBilan(
        id=data["id"],
        source=data["source"],
        title=data["title"],
        programme=data["programme"],
        edition=data["edition"],
        rows=tuple(
            DomainRow(r["domain"], r["label"], int(r["projects"]), Decimal(r["amount"]))
            for r in data["rows"]
        ),
        total_label=data["total"]["label"],
        total_projects=int(data["total"]["projects"]),
        total_amount=Decimal(data["total"]["amount"]),
        associations=data.get("associations"),
    )


BILAN_FILES = (
    "partenariat-associations-2017",
    "partenariat-associations-2019-2020",
    "migrants-refugies-2017",
    "migrants-refugies-2018",
)


@cache
def load_bilans() -> tuple[DomainBilan, ...]:
    return tuple(_bilan(_read(name)) for name in BILAN_FILES)


def find_bilan(programme: str, edition: str) -> DomainBilan | None:
    return next(
        (b for b in load_bilans() if (b.programme, b.edition) == (programme, edition)), None
    )


@cache
def load_thematic() -> DomainYearTable:
    data = _read("partenariat-thematique-2017-2021")
    return DomainYearTable(
        id=data["id"],
        source=data["source"],
        title=data["title"],
        programme=data["programme"],
        edition=data["edition"],
        years=tuple(data["years"]),
        rows=tuple(
            DomainYearRow(r["domain"], r["label"], int(r["total"]), tuple(r["cells"]))
            for r in data["rows"]
        ),
        total_by_year={int(y): int(n) for y, n in data["total_by_year"].items()},
        total_projects=int(data["total"]["projects"]),
        total_amount=Decimal(data["total"]["amount"]),
    )


@cache
def load_institutional() -> ConventionsTable:
    data = _read("conventions-institutionnelles-2014-2020")
    return ConventionsTable(
        id=data["id"],
        source=data["source"],
        title=data["title"],
        year_from=data["year_from"],
        year_to=data["year_to"],
        rows=tuple(
            PartnerTypeRow(r["partner_type"], r["label"], int(r["conventions"]))
            for r in data["rows"]
        ),
        total=int(data["total"]["conventions"]),
    )


@cache
def load_bilateral() -> dict:
    """The bilateral agreements of ``003`` as published (a plain dict: text, not figures)."""
    return _read("cooperation-bilaterale")


@cache
def load_intercommunal() -> dict:
    """The inter-municipal programme of ``004`` as published."""
    return _read("cooperation-intercommunale")


def _fmt(value) -> str:
    return str(value)


def check_internal_consistency() -> list[Finding]:
    """Every published table whose parts do not add up to its own stated totals."""
    findings: list[Finding] = []
    for bilan in load_bilans():
        projects = sum(r.projects for r in bilan.rows)
        amount = sum((r.amount for r in bilan.rows), Decimal(0))
        if projects != bilan.total_projects:
            findings.append(
                Finding(
                    bilan.id,
                    bilan.source,
                    f"{bilan.total_label} / projets",
                    _fmt(bilan.total_projects),
                    _fmt(projects),
                    _("The domain rows do not add up to the total row (projects)."),
                )
            )
        if amount != bilan.total_amount:
            findings.append(
                Finding(
                    bilan.id,
                    bilan.source,
                    f"{bilan.total_label} / montant",
                    _fmt(bilan.total_amount),
                    _fmt(amount),
                    _("The domain rows do not add up to the total row (amount)."),
                )
            )
    thematic = load_thematic()
    for row in thematic.rows:
        if sum(row.cells) != row.total:
            findings.append(
                Finding(
                    thematic.id,
                    thematic.source,
                    f"{row.label} / Total",
                    _fmt(row.total),
                    _fmt(sum(row.cells)),
                    _("The row's cells do not add up to its total."),
                )
            )
    by_year = sum(thematic.total_by_year.values())
    if by_year != thematic.total_projects:
        findings.append(
            Finding(
                thematic.id,
                thematic.source,
                "Total / années",
                _fmt(thematic.total_projects),
                _fmt(by_year),
                _("The yearly totals do not add up to the total."),
            )
        )
    row_totals = sum(r.total for r in thematic.rows)
    if row_totals != thematic.total_projects:
        findings.append(
            Finding(
                thematic.id,
                thematic.source,
                "Domaines / Total",
                _fmt(thematic.total_projects),
                _fmt(row_totals),
                _(
                    "The domain rows' totals %(parts)s = %(sum)s, while the total row says "
                    "%(total)s."
                )
                % {
                    "parts": " + ".join(str(r.total) for r in thematic.rows),
                    "sum": row_totals,
                    "total": thematic.total_projects,
                },
            )
        )
    institutional = load_institutional()
    parts = sum(r.conventions for r in institutional.rows)
    if parts != institutional.total:
        findings.append(
            Finding(
                institutional.id,
                institutional.source,
                "Total",
                _fmt(institutional.total),
                _fmt(parts),
                _("The partner types do not add up to the total."),
            )
        )
    programme = load_intercommunal()
    people = programme["beneficiaries"]
    if people["men"] + people["women"] != people["inhabitants"]:
        findings.append(
            Finding(
                programme["id"],
                programme["source"],
                "Bénéficiaires / habitants",
                _fmt(people["inhabitants"]),
                _fmt(people["men"] + people["women"]),
                _(
                    "%(men)s men + %(women)s women = %(sum)s, not the %(inhabitants)s "
                    "inhabitants stated."
                )
                % {
                    "men": people["men"],
                    "women": people["women"],
                    "sum": people["men"] + people["women"],
                    "inhabitants": people["inhabitants"],
                },
            )
        )
    for commune in programme["named_communes"]:
        if commune["men"] + commune["women"] != commune["inhabitants"]:
            findings.append(
                Finding(
                    programme["id"],
                    programme["source"],
                    f"{commune['label']} / habitants",
                    _fmt(commune["inhabitants"]),
                    _fmt(commune["men"] + commune["women"]),
                    _("Men and women do not add up to the inhabitants."),
                )
            )
    return findings
