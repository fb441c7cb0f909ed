"""The Ministry's published history, loaded as records whose totals equal the published ones.

Published pages give totals per domain, not the funded projects themselves. For each past
edition this module creates an archived call, demonstration associations, approved applications
and closed grants whose number and amounts per domain equal the published table exactly (to the
centime), and the number of associations where it is published. Names of associations and
projects are invented and marked as demonstration data; the figures are the Ministry's.

Everything is keyed on stable identifiers (programme code, edition, reference numbers), so
loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from associations.models import Association, Commune, Province, Region
from calls.models import Call, CallDomain, Domain, Programme, TargetPublic
from conventions.models import (
    Amendment,
    CommitteeMeeting,
    Convention,
    ConventionParty,
    Partner,
    PartnerCommune,
    PartnerType,
)
from grants.models import Application, Decision, Grant
from reports import published

CENT = Decimal("0.01")
DEMO_POOL_SIZE = 180  # demonstration associations shared by the past editions
DEMO_PREFIX = "Association de démonstration"
DEMO_PREFIX_AR = "جمعية تجريبية"
FIRST_NAMES = (
    "Al Amal",
    "Annour",
    "Assafa",
    "Attawassoul",
    "Al Manar",
    "Ibn Khaldoun",
    "Tadamoun",
    "Al Khair",
    "Anwar",
    "Al Wifaq",
    "Chourouk",
    "Al Mostaqbal",
    "Al Karama",
    "Annahda",
    "Al Ihsane",
)
FIRST_NAMES_AR = (
    "الأمل",
    "النور",
    "الصفاء",
    "التواصل",
    "المنار",
    "ابن خلدون",
    "التضامن",
    "الخير",
    "أنوار",
    "الوفاق",
    "الشروق",
    "المستقبل",
    "الكرامة",
    "النهضة",
    "الإحسان",
)


def split_amount(total: Decimal, count: int) -> list[Decimal]:
    """Split ``total`` into ``count`` unequal, positive parts that add up to it exactly.

    Weights follow a fixed pattern (1.0, 1.2, 0.8, 1.4, 0.6, repeated), rounded down to the
    centime; the cents left over go to the last part.
    """
    pattern = (Decimal("1.0"), Decimal("1.2"), Decimal("0.8"), Decimal("1.4"), Decimal("0.6"))
    weights = [pattern[i % len(pattern)] for i in range(count)]
    scale = total / sum(weights)
    parts = [(w * scale).quantize(CENT, rounding=ROUND_DOWN) for w in weights[:-1]]
    parts.append(total - sum(parts, Decimal(0)))
    return parts


def _aware(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, 0))  # noqa: DTZ001


def demo_associations(count: int) -> list[Association]:
    """The first ``count`` associations of the demonstration pool, created if missing."""
    provinces = list(Province.objects.select_related("region").order_by("code"))
    existing = {
        a.registration_number: a
        for a in Association.objects.filter(registration_number__startswith="DEMO-HIST-")
    }
    missing = []
    for index in range(DEMO_POOL_SIZE):
        number = f"DEMO-HIST-{index + 1:04d}"
        if number in existing:
            continue
        province = provinces[(index * 7) % len(provinces)]
        name = FIRST_NAMES[index % len(FIRST_NAMES)]
        name_ar = FIRST_NAMES_AR[index % len(FIRST_NAMES_AR)]
        missing.append(
            Association(
                name_fr=f"{DEMO_PREFIX} {name} {index + 1:03d}",
                name_ar=f"{DEMO_PREFIX_AR} {name_ar} {index + 1:03d}",
                registration_number=number,
                registration_date=dt.date(2010 + index % 8, 1 + index % 12, 1 + index % 28),
                region=province.region,
                province=province,
                commune=province.communes.first(),
                president_name=f"Président(e) de démonstration {index + 1:03d}",
                status=Association.Status.VERIFIED,
                is_demo=True,
            )
        )
    if missing:
        Association.objects.bulk_create(missing)
    pool = Association.objects.filter(registration_number__startswith="DEMO-HIST-").order_by(
        "registration_number"
    )
    return list(pool[:count])


@dataclass(frozen=True)
class Project:
    domain_code: str
    amount: Decimal
    year: int


def _bilan_projects(bilan: published.DomainBilan, year: int) -> Iterator[Project]:
    for row in bilan.rows:
        for amount in split_amount(row.amount, row.projects):
            yield Project(row.domain, amount, year)


def thematic_projects(table: published.DomainYearTable) -> list[Project]:
    """The 44 projects of the thematic partnership 2017-2021.

    The published domain rows cannot be aligned to years (empty cells were lost) and their
    totals add up to 47, not 44. The surviving cells of each row do add up to 44
    (5 + 11 + 14 + 7 + 1 + 6), so each domain gets the sum of its published cells; projects are
    then given years in domain order so that the yearly totals equal the published total row
    (3, 9, 8, 20, 4). The amount, 80 323 166,00 DH, is published for the whole table only: it
    is split across the 44 projects.
    """
    domains = [row.domain for row in table.rows for _ in range(sum(row.cells))]
    years = [year for year in table.years for _ in range(table.total_by_year[year])]
    amounts = split_amount(table.total_amount, len(domains))
    return [
        Project(domain, amount, year)
        for domain, amount, year in zip(domains, amounts, years, strict=True)
    ]


def _edition_years(edition: str) -> tuple[int, int | None]:
    first, _, last = edition.partition("-")
    return int(first), int(last) if last else None


def load_edition(
    *,
    programme_code: str,
    edition: str,
    title: str,
    projects: list[Project],
    associations: int | None,
) -> Call:
    """One archived edition with its funded projects; does nothing if already loaded."""
    programme = Programme.objects.get(code=programme_code)
    year, end_year = _edition_years(edition)
    call, created = Call.objects.get_or_create(
        programme=programme,
        edition=edition,
        defaults={
            "year": year,
            "end_year": end_year,
            "title_fr": title,
            "title_ar": f"{programme.name_ar} {edition}",
            "title_en": f"{programme.name_en} {edition}",
            "description_fr": programme.description_fr,
            "description_ar": programme.description_ar,
            "description_en": programme.description_en,
            "opens_at": _aware(year, 3, 1),
            "closes_at": _aware(year, 4, 15, 23),
            "status": Call.Status.ARCHIVED,
        },
    )
    if not created and call.applications.exists():
        return call
    domains = {d.code: d for d in Domain.objects.filter(programme=programme)}
    order = list(dict.fromkeys(p.domain_code for p in projects))
    call_domains = {}
    for position, code in enumerate(order, 1):
        amounts = [p.amount for p in projects if p.domain_code == code]
        call_domains[code], _ = CallDomain.objects.update_or_create(
            call=call,
            domain=domains[code],
            defaults={
                "envelope": sum(amounts, Decimal(0)),
                "committed": sum(amounts, Decimal(0)),
                "max_grant": max(amounts),
                "order": position,
            },
        )
    pool = demo_associations(associations or len(projects))
    sequences: dict[str, int] = {}
    applications = []
    for index, project in enumerate(projects):
        sequences[project.domain_code] = sequences.get(project.domain_code, 0) + 1
        association = pool[index % len(pool)]
        reference = f"HIST-{programme_code[:4].upper()}-{edition}-{project.domain_code}-" + (
            f"{sequences[project.domain_code]:05d}"
        )
        applications.append(
            Application(
                call=call,
                call_domain=call_domains[project.domain_code],
                association=association,
                reference=reference,
                title=f"Projet de démonstration {reference}",
                summary="Projet de démonstration : le montant et le domaine sont ceux publiés.",
                region_id=association.region_id,
                province_id=association.province_id,
                commune_id=association.commune_id,
                requested_amount=project.amount,
                status=Application.Status.APPROVED,
                version=1,
                submitted_at=_aware(project.year, 4, 1),
            )
        )
    Application.objects.bulk_create(applications)
    saved = {a.reference: a for a in Application.objects.filter(call=call).only("id", "reference")}
    decisions, grants = [], []
    for project, application in zip(projects, applications, strict=True):
        pk = saved[application.reference].pk
        decisions.append(
            Decision(
                application_id=pk,
                outcome=Decision.Outcome.APPROVED,
                requested_amount=project.amount,
                amount=project.amount,
                decided_at=_aware(project.year, 6, 30),
            )
        )
        grants.append(
            Grant(
                application_id=pk,
                reference=application.reference.replace("HIST-", "SUB-", 1),
                amount=project.amount,
                paid_amount=project.amount,
                status=Grant.Status.CLOSED,
                awarded_on=dt.date(project.year, 7, 1),
                starts_on=dt.date(project.year, 9, 1),
                ends_on=dt.date(project.year + 1, 8, 31),
            )
        )
    Decision.objects.bulk_create(decisions)
    Grant.objects.bulk_create(grants)
    return call


def load_calls() -> list[Call]:
    calls = []
    for bilan in published.load_bilans():
        year, _ = _edition_years(bilan.edition)
        calls.append(
            load_edition(
                programme_code=bilan.programme,
                edition=bilan.edition,
                title=bilan.title,
                projects=list(_bilan_projects(bilan, year)),
                associations=bilan.associations,
            )
        )
    thematic = published.load_thematic()
    calls.append(
        load_edition(
            programme_code=thematic.programme,
            edition=thematic.edition,
            title=thematic.title,
            projects=thematic_projects(thematic),
            associations=None,
        )
    )
    return calls


# --- Conventions --------------------------------------------------------------------------


def load_institutional_conventions() -> int:
    """The 80 institutional conventions of 2014-2020, by partner type as published.

    Counts, partner types and years are the Ministry's; partners' names, titles and the
    spread over the years are demonstration data.
    """
    table = published.load_institutional()
    years = list(range(table.year_from, table.year_to + 1))
    created = 0
    number = 0
    for row in table.rows:
        partner_type = PartnerType.objects.get(code=row.partner_type)
        for index in range(row.conventions):
            number += 1
            partner, _ = Partner.objects.get_or_create(
                name_fr=f"{partner_type.name_fr} — partenaire de démonstration {index + 1:02d}",
                partner_type=partner_type,
                defaults={
                    "name_ar": f"{partner_type.name_ar} — شريك تجريبي {index + 1:02d}",
                    "name_en": f"{partner_type.name_en} — demonstration partner {index + 1:02d}",
                    "is_demo": True,
                },
            )
            year = years[(number - 1) % len(years)]
            convention, was_created = Convention.objects.get_or_create(
                reference=f"CI-{year}-{number:03d}",
                defaults={
                    "kind": Convention.Kind.INSTITUTIONAL,
                    "text_kind": Convention.TextKind.CONVENTION,
                    "title_fr": f"Convention de partenariat de démonstration n° {number:03d} "
                    f"avec {partner.name_fr}",
                    "title_ar": f"اتفاقية شراكة تجريبية رقم {number:03d}",
                    "title_en": f"Demonstration partnership convention no. {number:03d}",
                    "partner_type": partner_type,
                    "year": year,
                    "signed_on": dt.date(year, 1 + (number * 5) % 12, 1 + (number * 3) % 28),
                    "status": Convention.Status.ENDED,
                    "objective": "Convention de démonstration : le nombre de conventions par "
                    "type de partenaire est celui publié pour 2014-2020.",
                    "is_demo": True,
                },
            )
            if was_created:
                created += 1
                ConventionParty.objects.get_or_create(
                    convention=convention, partner=partner, role=ConventionParty.Role.SIGNATORY
                )
    return created


def _partner(name: str, type_code: str, country: str = "") -> Partner:
    partner, _ = Partner.objects.get_or_create(
        name_fr=name,
        defaults={"partner_type": PartnerType.objects.get(code=type_code), "country": country},
    )
    return partner


def load_bilateral_agreements() -> int:
    """The agreements of ``003``, with their published details."""
    data = published.load_bilateral()
    created = 0
    for agreement in data["agreements"]:
        signed_on = dt.date.fromisoformat(agreement["signed_on"])
        ends_on = agreement.get("ends_on")
        partner = _partner(agreement["partner"], "foreign-government", agreement["country_code"])
        amount = agreement.get("amount")
        convention, was_created = Convention.objects.get_or_create(
            reference=agreement["reference"],
            defaults={
                "kind": Convention.Kind.BILATERAL,
                "text_kind": agreement["text_kind"],
                "title_fr": agreement["title"],
                "partner_type": partner.partner_type,
                "framework": agreement["framework"],
                "objective": agreement["objective"],
                "place": agreement["place"],
                "signed_on": signed_on,
                "year": signed_on.year,
                "starts_on": signed_on,
                "ends_on": dt.date.fromisoformat(ends_on) if ends_on else None,
                "amount": Decimal(amount) if amount else None,
                "currency": agreement.get("currency", "MAD"),
                "status": Convention.Status.ENDED if ends_on else Convention.Status.SIGNED,
                "steering_committee": agreement.get("steering_committee", ""),
            },
        )
        if not was_created:
            continue
        created += 1
        ConventionParty.objects.create(
            convention=convention, partner=partner, role=ConventionParty.Role.SIGNATORY
        )
        for component in agreement.get("components", []):
            if not component["implementing_agency"]:
                continue
            agency = next(
                a
                for a in agreement["implementing_agencies"]
                if a["code"] == component["implementing_agency"]
            )
            ConventionParty.objects.create(
                convention=convention,
                partner=_partner(agency["name"], "international-organisation"),
                role=ConventionParty.Role.IMPLEMENTING,
                amount=Decimal(component["amount"]),
                currency=component["currency"],
                note=component["title"][:255],
            )
        if agreement.get("extension"):
            Amendment.objects.create(
                convention=convention,
                number=1,
                subject=agreement["extension"],
                new_end_date=convention.ends_on,
            )
        for label in agreement.get("follow_up", []):
            kind = (
                CommitteeMeeting.Kind.STEERING
                if "Pilotage" in label
                else CommitteeMeeting.Kind.EVALUATION
                if "valuation" in label
                else CommitteeMeeting.Kind.FOLLOW_UP
            )
            CommitteeMeeting.objects.create(
                convention=convention,
                kind=kind,
                held_on=dt.date(2019, 12, 1),
                summary=f"{label} (date de démonstration ; le mécanisme est celui publié).",
            )
    return created


def load_intercommunal_programme() -> Convention:
    """The Moroccan-Belgian inter-municipal cooperation programme of ``004``."""
    data = published.load_intercommunal()
    people = data["beneficiaries"]
    convention, created = Convention.objects.get_or_create(
        reference="PROG-CIC-MAROC",
        defaults={
            "kind": Convention.Kind.PROGRAMME,
            "text_kind": Convention.TextKind.PROGRAMME,
            "title_fr": data["title"],
            "title_ar": "برنامج التعاون بين الجماعات المغربي البلجيكي",
            "title_en": "Moroccan-Belgian inter-municipal cooperation programme",
            "partner_type": PartnerType.objects.get(code="territorial"),
            "programme": Programme.objects.get(code=data["programme"]),
            "objective": (
                "Renforcer les 10 communes partenaires dans leur capacité à développer, mettre "
                "en œuvre et évaluer une politique d’action sociale locale durable ; en "
                f"{data['target_year']}, les publics cibles participent à des projets "
                "socio-économiques et/ou socio-environnementaux pilotés par la commune. "
                f"{data['partner_communes']} communes partenaires dans 4 régions ; la source ne "
                "nomme que la commune de Tanger."
            ),
            "ends_on": dt.date(data["target_year"], 12, 31),
            "status": Convention.Status.IN_FORCE,
            "beneficiaries_total": people["inhabitants"],
            "beneficiaries_men": people["men"],
            "beneficiaries_women": people["women"],
        },
    )
    if created:
        convention.regions.set(Region.objects.filter(code__in=[r["code"] for r in data["regions"]]))
        convention.target_publics.set(TargetPublic.objects.filter(code__in=data["target_publics"]))
        for commune in data["named_communes"]:
            place = Commune.objects.select_related("province").get(code=commune["commune"])
            PartnerCommune.objects.create(
                convention=convention,
                commune=place,
                name=commune["label"],
                region_id=place.province.region_id,
                inhabitants=commune["inhabitants"],
                men=commune["men"],
                women=commune["women"],
            )
    return convention


@transaction.atomic
def load_history() -> dict[str, int]:
    calls = load_calls()
    return {
        "calls": len(calls),
        "institutional": load_institutional_conventions(),
        "bilateral": load_bilateral_agreements(),
        "programmes": int(bool(load_intercommunal_programme())),
    }
