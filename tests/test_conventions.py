"""The conventions register on the seeded history: the 80 institutional conventions of
2014-2020 by partner type (``000``), the agreements of ``003``, the programme of ``004``."""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from conventions.models import CommitteeMeeting, Convention, PartnerType
from portal.models import User
from tests.pages import page
from tests.queries import page_queries
from tests.seeded import seeded  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


@pytest.fixture
def staff(client):
    client.force_login(User.objects.get(email="staff@demo.ma"))
    return client


def _counts(html: str) -> dict[str, int]:
    """{partner type name: count} from the "By partner type" table, and the total."""
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td class=\"text-end\" data-count=\"\d+\">(\d+)</td>", html
    )
    total = re.search(r"data-total>(\d+)<", html)
    return {name.strip(): int(n) for name, n in rows} | {"Total": int(total.group(1))}


def test_the_institutional_conventions_of_2014_2020_by_partner_type(staff):
    response = staff.get(reverse("conventions:list"), {"kind": "institutional"})

    assert response.status_code == 200
    assert _counts(response.content.decode()) == {
        "Départements gouvernementaux et institutions publiques": 17,
        "Collectivités territoriales": 44,
        "Entraide Nationale": 9,
        "Agence de Développement Social": 8,
        "Secteur privé": 2,
        "Total": 80,
    }


def test_filters_by_partner_type_year_and_state(staff):
    territorial = PartnerType.objects.get(code="territorial")
    expected_2016 = Convention.objects.filter(
        kind="institutional", partner_type=territorial, year=2016
    ).count()

    by_type_and_year = staff.get(
        reverse("conventions:list"),
        {"kind": "institutional", "partner_type": territorial.pk, "year": 2016},
    )
    in_force = page(staff.get(reverse("conventions:list"), {"status": "in_force"}))

    assert 0 < expected_2016 < 44
    assert _counts(by_type_and_year.content.decode())["Total"] == expected_2016
    assert "PROG-CIC-MAROC" in in_force
    assert "CI-2014-001" not in in_force  # the institutional conventions of 2014-2020 ended


def test_the_bilateral_agreements_of_003_with_their_agencies_and_amounts(staff):
    listing = page(staff.get(reverse("conventions:list"), {"kind": "bilateral"}))
    belgium = Convention.objects.get(reference="BIL-BE-2016")
    detail = page(staff.get(reverse("conventions:detail", args=[belgium.pk])))

    assert all(
        ref in listing
        for ref in ("BIL-KW-2019", "BIL-CD-2019", "BIL-OM-2019", "BIL-MG-2019", "BIL-BE-2016")
    )
    assert "2 500 000 EUR" in listing
    assert "<td>2016</td>" in listing
    assert "Fonds des Nations Unies pour la population (UNFPA)" in detail
    assert "Fonds des Nations Unies pour l’enfance (UNICEF)" in detail
    assert detail.count("1 250 000 EUR") == 2
    assert "16 mai 2016" in detail  # signature on the timeline
    assert "31 décembre 2020" in detail  # end date


def test_the_intercommunal_programme_of_004_with_its_communes_and_beneficiaries(staff):
    programme = Convention.objects.get(reference="PROG-CIC-MAROC")
    by_region = page(
        staff.get(reverse("conventions:list"), {"region": programme.regions.first().pk})
    )
    detail = page(staff.get(reverse("conventions:detail", args=[programme.pk])))

    assert "PROG-CIC-MAROC" in by_region
    assert "Tanger" in detail
    assert all(figure in detail for figure in ("1 083 462", "530 896", "552 566"))
    assert all(figure in detail for figure in ("1 385 925", "682 123", "703 464"))
    assert "Oriental" in detail


def test_committee_meetings_are_on_the_timeline_with_their_minutes(client, staff):
    convention = Convention.objects.get(reference="BIL-BE-2016")
    coming = timezone.localdate() + dt.timedelta(days=20)
    meeting = CommitteeMeeting.objects.create(
        convention=convention, kind="steering", held_on=coming, place="Rabat"
    )
    meeting.minutes.save("pv-copil.pdf", ContentFile(b"%PDF-1.4 minutes"), save=True)
    url = reverse("conventions:meeting_minutes", args=[convention.pk, meeting.pk])

    detail = page(staff.get(reverse("conventions:detail", args=[convention.pk])))
    dashboard = page(staff.get(reverse("grants:grants")))
    download = staff.get(url)
    client.force_login(User.objects.get(email="president@demo.ma"))

    assert "à venir" in detail
    assert url in detail
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes"
    assert "BIL-BE-2016" in dashboard.split("Réunions de comité à venir")[1]
    assert client.get(url).status_code == 404


def test_conventions_ending_soon_are_on_the_staff_dashboard(staff):
    Convention.objects.filter(reference="BIL-KW-2019").update(
        status="in_force", ends_on=timezone.localdate() + dt.timedelta(days=30)
    )

    dashboard = page(staff.get(reverse("grants:grants")))

    section = dashboard.split("Conventions arrivant à échéance dans les trois mois")[1]
    assert "BIL-KW-2019" in section.split("Réunions de comité à venir")[0]


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("staff@demo.ma", 200),
        ("manager@demo.ma", 200),
        ("admin@demo.ma", 200),
        ("president@demo.ma", 404),
        ("reviewer1@demo.ma", 404),
        ("comite@demo.ma", 404),
    ],
)
def test_who_reads_the_register(client, email, status):
    client.force_login(User.objects.get(email=email))
    convention = Convention.objects.get(reference="BIL-BE-2016")

    assert client.get(reverse("conventions:list")).status_code == status
    assert client.get(reverse("conventions:detail", args=[convention.pk])).status_code == status


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("conventions:list"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_manager_reads_but_is_offered_no_change(client):
    client.force_login(User.objects.get(email="manager@demo.ma"))
    convention = Convention.objects.get(reference="BIL-BE-2016")

    listing = page(client.get(reverse("conventions:list"), {"kind": "bilateral"}))
    detail = page(client.get(reverse("conventions:detail", args=[convention.pk])))

    assert "BIL-BE-2016" in listing
    assert "Fonds des Nations Unies pour l’enfance (UNICEF)" in detail
    assert "Enregistrer une convention" not in listing
    assert "Modifier dans l'administration" not in detail


def test_the_register_s_queries_do_not_grow_with_its_rows(staff):
    before = page_queries(staff, reverse("conventions:list"))
    territorial = PartnerType.objects.get(code="territorial")
    Convention.objects.bulk_create(
        Convention(
            kind="institutional",
            reference=f"CI-X-{n}",
            title_fr=f"Convention {n}",
            partner_type=territorial,
            year=2021,
        )
        for n in range(30)
    )

    assert page_queries(staff, reverse("conventions:list")) == before


def test_a_staff_officer_records_conventions_in_the_admin_but_cannot_delete_them(client):
    client.force_login(User.objects.get(email="staff@demo.ma"))
    convention = Convention.objects.get(reference="BIL-BE-2016")

    detail = page(client.get(reverse("conventions:detail", args=[convention.pk])))
    add = client.get(reverse("admin:conventions_convention_add"))
    delete = client.get(reverse("admin:conventions_convention_delete", args=[convention.pk]))

    assert "Modifier dans l'administration" in detail
    assert add.status_code == 200
    assert delete.status_code == 403


def test_the_register_exports_the_filtered_conventions(staff):
    import io

    from openpyxl import load_workbook

    response = staff.get(reverse("conventions:list"), {"kind": "bilateral", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    belgium = next(row for row in rows if row[0] == "BIL-BE-2016")

    assert rows[0][:2] == ("Référence", "Intitulé")
    assert len(rows) == 1 + 5
    assert (belgium[8], belgium[9]) == (2500000, "EUR")


def test_the_counts_by_partner_type_are_named_in_arabic(staff):
    territorial = PartnerType.objects.get(code="territorial")
    staff.post(reverse("set_language"), {"language": "ar", "next": "/"})

    listing = page(staff.get(reverse("conventions:list"), {"kind": "institutional"}))

    assert territorial.name_ar
    assert (
        f'<td>{territorial.name_ar}</td><td class="text-end" data-count="{territorial.pk}">44<'
        in listing
    )
