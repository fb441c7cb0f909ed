"""``seed_demo``: the published history to the centime, idempotent, and a demo for every role."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from associations.models import Association
from calls.models import Call
from conventions.models import Convention, PartnerCommune
from grants.models import Application, Decision, Grant
from portal.models import StatusChange
from reports import statistics
from seeding.demo import ACCOUNTS, DEMO_PASSWORD
from seeding.history import split_amount
from tests.seeded import seeded  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _table(programme, edition):
    table = statistics.domain_table(programme=programme, edition=edition)
    return [(line.name_fr, line.projects, line.amount) for line in table.rows], table


def test_migrants_2017_equals_the_published_table():
    rows, table = _table("migrants-refugies", "2017")

    assert rows == [
        ("Intégration éducative des immigrants et réfugiés", 65, Decimal("4022000.00")),
        ("Intégration culturelle, jeunesse et loisirs", 25, Decimal("1443000.00")),
        ("Assistance humanitaire des immigrants et réfugiés", 10, Decimal("1045500.00")),
        ("Colonies de vacances", 10, Decimal("480000.00")),
    ]
    assert (table.total_projects, table.total_amount, table.associations) == (
        110,
        Decimal("6990500.00"),
        78,
    )


def test_migrants_2018_equals_the_published_table():
    rows, table = _table("migrants-refugies", "2018")

    assert rows == [
        ("Intégration éducative des immigrés et réfugiés", 16, Decimal("543500.00")),
        ("Colonies de vacances", 13, Decimal("336000.00")),
        ("Intégration culturelle, jeunesse et loisirs", 10, Decimal("206000.00")),
        ("Assistance humanitaire des immigrés et réfugiés", 5, Decimal("814000.00")),
    ]
    assert (table.total_projects, table.total_amount, table.associations) == (
        44,
        Decimal("1899500.00"),
        42,
    )


def test_association_partnership_2017_and_2019_2020_equal_the_published_tables():
    rows_2017, table_2017 = _table("partenariat-associations", "2017")
    rows_2019, table_2019 = _table("partenariat-associations", "2019-2020")

    assert [(p, a) for _, p, a in rows_2017] == [
        (62, Decimal("9398167.54")),
        (15, Decimal("3571528.00")),
        (24, Decimal("4605780.00")),
        (52, Decimal("12079269.00")),
    ]
    assert (table_2017.total_projects, table_2017.total_amount) == (153, Decimal("29654744.54"))
    assert [(p, a) for _, p, a in rows_2019] == [
        (54, Decimal("6367985.00")),
        (69, Decimal("7825160.00")),
        (11, Decimal("1484391.60")),
        (27, Decimal("3117104.00")),
        (14, Decimal("1879301.00")),
    ]
    assert (table_2019.total_projects, table_2019.total_amount) == (175, Decimal("20673941.60"))


def test_thematic_partnership_has_the_published_yearly_totals_and_amount():
    years = statistics.projects_by_year(
        programme="partenariat-thematique", year_from=2017, year_to=2021
    )
    table = statistics.domain_table(programme="partenariat-thematique", edition="2017-2021")

    assert {y: c.projects for y, c in years.by_year.items()} == {
        2017: 3,
        2018: 9,
        2019: 8,
        2020: 20,
        2021: 4,
    }
    assert (table.total_projects, table.total_amount) == (44, Decimal("80323166.00"))


def test_institutional_conventions_by_partner_type_equal_the_published_counts():
    table = statistics.conventions_by_partner_type(year_from=2014, year_to=2020)

    assert [(line.code, line.conventions) for line in table.rows] == [
        ("government", 17),
        ("territorial", 44),
        ("entraide-nationale", 9),
        ("ads", 8),
        ("private", 2),
    ]
    assert table.total == 80


def test_bilateral_agreements_and_the_intercommunal_programme_are_loaded():
    belgium = Convention.objects.get(reference="BIL-BE-2016")
    programme = Convention.objects.get(kind=Convention.Kind.PROGRAMME)
    tanger = PartnerCommune.objects.get(convention=programme)

    assert Convention.objects.filter(kind=Convention.Kind.BILATERAL).count() == 5
    assert sorted(
        (p.partner.name_fr[:6], p.amount) for p in belgium.parties.filter(role="implementing")
    ) == [("Fonds ", Decimal("1250000.00")), ("Fonds ", Decimal("1250000.00"))]
    assert (belgium.currency, str(belgium.ends_on)) == ("EUR", "2020-12-31")
    assert (
        programme.beneficiaries_total,
        programme.beneficiaries_men,
        programme.beneficiaries_women,
    ) == (1385925, 682123, 703464)
    assert (tanger.name, tanger.inhabitants, tanger.men, tanger.women) == (
        "Tanger",
        1083462,
        530896,
        552566,
    )
    assert sorted(programme.regions.values_list("code", flat=True)) == ["01", "02", "08", "09"]


def test_every_historical_association_and_project_is_marked_as_demonstration():
    historical = Application.objects.filter(call__status=Call.Status.ARCHIVED)

    assert not historical.exclude(association__is_demo=True).exists()
    assert not historical.exclude(title__startswith="Projet de démonstration").exists()


def test_the_open_call_has_applications_in_every_state():
    call = Call.objects.get(status=Call.Status.OPEN)
    states = set(call.applications.values_list("status", flat=True))

    assert call.is_accepting()
    assert states == set(Application.Status.values)
    approved = call.applications.filter(status=Application.Status.APPROVED)
    assert all(a.grant.amount == a.decision.amount for a in approved)
    for call_domain in call.call_domains.all():
        committed = sum(
            (
                d.amount
                for d in Decision.objects.filter(
                    application__call_domain=call_domain, outcome="approved"
                )
            ),
            Decimal(0),
        )
        assert call_domain.committed == committed
    # every live application has its history
    assert (
        StatusChange.objects.filter(
            object_id__in=call.applications.values("id"), to_state="draft", from_state=""
        ).count()
        == call.applications.count()
    )


def test_each_demo_account_logs_in_with_the_printed_password(client):
    for account in ACCOUNTS:
        response = client.post(
            "/accounts/login/", {"login": account.email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, account.email
        client.logout()


def _snapshot():
    """Every seeded row's values, without the timestamps the database sets."""
    volatile = {
        "created_at",
        "updated_at",
        "at",
        "uploaded_at",
        "assigned_at",
        "last_login",
        "date_joined",
        "password",
        "requested_at",
    }
    models = [Association, Call, Application, Decision, Grant, Convention, StatusChange]
    return {
        model.__name__: sorted(
            tuple(sorted((k, str(v)) for k, v in row.items() if k not in volatile))
            for row in model.objects.values()
        )
        for model in models
    }


def test_running_it_twice_gives_the_same_database():
    before = _snapshot()

    call_command("seed_demo", verbosity=0, stdout=StringIO())

    assert _snapshot() == before


def test_split_amount_adds_up_to_the_centime():
    parts = split_amount(Decimal("9398167.54"), 62)

    assert len(parts) == 62
    assert sum(parts) == Decimal("9398167.54")
    assert all(p > 0 for p in parts)
    assert len(set(parts)) > 1


def test_statistics_take_the_same_number_of_queries_whatever_the_rows(
    django_assert_num_queries,
):
    # 110 projects or 44 projects: the same four queries
    with django_assert_num_queries(4):
        statistics.domain_table(programme="migrants-refugies", edition="2017")
    with django_assert_num_queries(4):
        statistics.domain_table(programme="migrants-refugies", edition="2018")
    with django_assert_num_queries(1):
        statistics.projects_by_year(
            programme="partenariat-thematique", year_from=2017, year_to=2021
        )
    with django_assert_num_queries(1):
        statistics.conventions_by_partner_type(year_from=2014, year_to=2020)
    assert Grant.objects.values("application__call").annotate(n=Count("id")).count() >= 6


def test_seeding_is_its_own_app_that_no_other_app_imports():
    from pathlib import Path

    from django.conf import settings
    from django.core.management import get_commands

    root = Path(settings.BASE_DIR)
    importers = [
        str(path.relative_to(root))
        for app in ("portal", "calls", "associations", "grants", "conventions", "reports")
        for path in (root / app).rglob("*.py")
        if any(
            line.strip().startswith(("from seeding", "import seeding"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]

    assert get_commands()["seed_demo"] == "seeding"
    assert settings.INSTALLED_APPS.index("seeding") > settings.INSTALLED_APPS.index("reports")
    assert importers == []


def test_the_open_calls_reference_counters_continue_its_applications_numbers():
    call = Call.objects.get(status=Call.Status.OPEN)
    for call_domain in call.call_domains.select_related("domain"):
        prefix = f"{call.code}-{call.year}-{call_domain.domain.code}-"
        numbers = [
            int(reference.removeprefix(prefix))
            for reference in call.applications.filter(reference__startswith=prefix).values_list(
                "reference", flat=True
            )
        ]
        assert call_domain.last_reference_number == max(numbers, default=0), prefix
