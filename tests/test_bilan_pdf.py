"""Bilans reproduce the published tables, in French and in Arabic, as PDF and XLSX."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from calls.models import Domain
from reports.bilan import build_bilan
from reports.pdf import bilan_pdf
from reports.xlsx import bilan_xlsx
from tests.pdftext import contains_arabic, pdf_text
from tests.seeded import seeded  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

PUBLISHED = {
    ("migrants-refugies", "2017"): (
        [
            ("Intégration éducative des immigrants et réfugiés", 65, "4 022 000"),
            ("Intégration culturelle, jeunesse et loisirs", 25, "1 443 000"),
            ("Assistance humanitaire des immigrants et réfugiés", 10, "1 045 500"),
            ("Colonies de vacances", 10, "480 000"),
        ],
        (110, "6 990 500"),
        78,
    ),
    ("migrants-refugies", "2018"): (
        [
            ("Intégration éducative des immigrés et réfugiés", 16, "543 500"),
            ("Colonies de vacances", 13, "336 000"),
            ("Intégration culturelle, jeunesse et loisirs", 10, "206 000"),
            ("Assistance humanitaire des immigrés et réfugiés", 5, "814 000"),
        ],
        (44, "1 899 500"),
        42,
    ),
    ("partenariat-associations", "2017"): (
        [
            (
                "La réinsertion sociale par l’autonomisation économique des femmes",
                62,
                "9 398 167,54",
            ),
            ("La promotion des enfants en situation de rue", 15, "3 571 528"),
            ("Appui aux centres de médiation familiale", 24, "4 605 780"),
            (
                "Appui aux centres d’accueil et d’orientation pour les femmes victimes de violence",
                52,
                "12 079 269",
            ),
        ],
        (153, "29 654 744,54"),
        None,
    ),
    ("partenariat-associations", "2019-2020"): (
        [
            ("Autonomisation économique des femmes dans les zones rurales", 54, "6 367 985"),
            ("Ecoute et orientation des femmes et filles victimes de violence", 69, "7 825 160"),
            (
                "Amélioration et développement des prestations des établissements de protection "
                "sociale des personnes âgées",
                11,
                "1 484 391,60",
            ),
            (
                "Assistance sociale et réintégration sociale des enfants en situation de rue",
                27,
                "3 117 104",
            ),
            (
                "Assistance et intégration sociale des personnes en situation de rue",
                14,
                "1 879 301",
            ),
        ],
        (175, "20 673 941,60"),
        None,
    ),
}


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("programme", "edition"), list(PUBLISHED))
def test_the_french_pdf_contains_the_published_table(programme, edition):
    rows, (projects, amount), associations = PUBLISHED[(programme, edition)]

    text = _one_line(pdf_text(bilan_pdf(build_bilan(programme=programme, edition=edition))))

    table = text[: text.index("Graphique N°1")] if "Graphique N°1" in text else text
    for label, count, money in rows:
        assert f"{count} {money}" in table, label
        assert _one_line(label)[:30] in text
    assert f"Total {projects} {amount}" in table
    if associations:
        assert f"{associations} associations" in table
    assert "Domaine d'intervention" in table
    assert "Nombre de projets" in table
    assert "Montant du soutien financier (DH)" in table


def test_the_arabic_pdf_contains_the_arabic_domain_names():
    content = bilan_pdf(build_bilan(programme="migrants-refugies", edition="2017", language="ar"))

    domains = Domain.objects.filter(
        programme__code="migrants-refugies", code__in=["EDU17", "CULT", "HUM17", "COLO"]
    )
    assert domains.count() == 4
    for domain in domains:
        assert contains_arabic(content, domain.name_ar), domain.code
    assert not contains_arabic(content, "مجال غير موجود في الحصيلة")
    assert contains_arabic(content, "مجال التدخل")
    assert "6 990 500" in pdf_text(content)


def test_the_xlsx_cells_equal_the_published_numbers():
    workbook = openpyxl.load_workbook(
        io.BytesIO(bilan_xlsx(build_bilan(programme="migrants-refugies", edition="2017")))
    )

    sheet = workbook.worksheets[0]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2, max_row=6)]
    assert rows == [
        ("Intégration éducative des immigrants et réfugiés", 65, Decimal("4022000.00")),
        ("Intégration culturelle, jeunesse et loisirs", 25, Decimal("1443000.00")),
        ("Assistance humanitaire des immigrants et réfugiés", 10, Decimal("1045500.00")),
        ("Colonies de vacances", 10, Decimal("480000.00")),
        ("Total", 110, Decimal("6990500.00")),
    ] or rows == [
        (a, b, float(c))
        for a, b, c in [
            ("Intégration éducative des immigrants et réfugiés", 65, 4022000),
            ("Intégration culturelle, jeunesse et loisirs", 25, 1443000),
            ("Assistance humanitaire des immigrants et réfugiés", 10, 1045500),
            ("Colonies de vacances", 10, 480000),
            ("Total", 110, 6990500),
        ]
    ]
    assert sheet.cell(row=3, column=3).number_format == '#,##0.00;-#,##0.00;"0"'
    assert [ws.title for ws in workbook.worksheets] == [
        "Domaines",
        "Régions",
        "Projets financés",
    ]


def test_a_range_of_years_gives_the_domain_by_year_table():
    bilan = build_bilan(programme="partenariat-thematique", year_from=2017, year_to=2021)

    text = _one_line(pdf_text(bilan_pdf(bilan)))

    assert [count for count, _amount in bilan.year_totals] == [3, 9, 8, 20, 4]
    assert "Total 3 9 8 20 4 44" in text
    assert bilan.total_amount == Decimal("80323166.00")


def test_generate_bilan_writes_the_file(tmp_path):
    output = tmp_path / "bilan.pdf"

    call_command(
        "generate_bilan",
        programme="migrants-refugies",
        edition="2018",
        lang="fr",
        format="pdf",
        output=str(output),
    )

    assert "Total 44 1 899 500" in _one_line(pdf_text(output.read_bytes()))


def test_generate_bilan_explains_an_unknown_edition(tmp_path):
    with pytest.raises(CommandError, match="2031"):
        call_command(
            "generate_bilan",
            programme="migrants-refugies",
            edition="2031",
            output=str(tmp_path / "x.pdf"),
        )
    assert not (tmp_path / "x.pdf").exists()
