"""The staff lists' one component (portal.lists): FilterSets that refuse a bad value with a
400, one column spec for the page and the CSV/XLSX files, one pagination, queries that do not
grow with the rows."""

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from openpyxl import load_workbook

from conventions.models import Convention
from grants.models import Application, Grant
from tests.factories import (
    ApplicationFactory,
    CallDomainFactory,
    ConventionFactory,
    GrantFactory,
)

pytestmark = pytest.mark.django_db

HEADERS = {
    "workspace": (
        [
            "Référence",
            "Association",
            "Domaine",
            "Province",
            "Demandé (DH)",
            "Évaluations",
            "Note",
            "État",
        ],
        [
            "Référence",
            "Association",
            "Domaine",
            "Région",
            "Province",
            "Intitulé du projet",
            "Demandé (DH)",
            "Note",
            "État",
        ],
    ),
    "grants": (
        ["Référence", "Association", "Montant (DH)", "Versé (DH)", "Disponible", "État"],
        [
            "Référence",
            "Association",
            "Programme",
            "Édition",
            "Région",
            "Intitulé du projet",
            "Accordée le",
            "Montant (DH)",
            "Versé (DH)",
            "Reste (DH)",
            "État",
        ],
    ),
    "conventions": (
        ["Référence", "Intitulé", "Type", "Type de partenaire", "Année", "Montant", "État"],
        [
            "Référence",
            "Intitulé",
            "Type",
            "Type de partenaire",
            "Parties",
            "Année",
            "Signée le",
            "Se termine le",
            "Montant",
            "Devise",
            "État",
        ],
    ),
}


@pytest.fixture
def line(db):
    return CallDomainFactory()


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def _rows(name, n, *, line=None):
    """``n`` rows of the list ``name`` that its default filters show, and one its ``FILTER``
    leaves out; returns the list's URL."""
    if name == "workspace":
        for i in range(n):
            ApplicationFactory(
                call_domain=line, status=Application.Status.SUBMITTED, reference=f"AAP-K-{i:03d}"
            )
        ApplicationFactory(
            call_domain=line, status=Application.Status.ADMISSIBLE, reference="AAP-OUT-001"
        )
        return reverse("grants:workspace", args=[line.call_id])
    if name == "grants":
        for i in range(n):
            GrantFactory(reference=f"SUB-K-{i:03d}")
        GrantFactory(reference="SUB-OUT-001", status=Grant.Status.CLOSED)
        return reverse("grants:grants")
    for i in range(n):
        ConventionFactory(reference=f"CONV-K-{i:03d}", kind=Convention.Kind.BILATERAL)
    ConventionFactory(reference="CONV-OUT-001")
    return reverse("conventions:list")


FILTER = {
    "workspace": {"status": "submitted"},
    "grants": {"status": "active"},
    "conventions": {"kind": "bilateral"},
}
LISTS = list(FILTER)


def _table(html: str) -> tuple[list[str], list[list[str]]]:
    """The list table's headers and rows, as text."""
    table = re.search(r"<table class=\"table table-sm align-middle\">(.*?)</table>", html, re.S)
    head, body = re.search(r"<thead>(.*?)</thead>\s*<tbody>(.*?)</tbody>", table[1], re.S).groups()

    def text(cell):
        return re.sub(r"\s+", " ", unescape(strip_tags(cell))).strip()

    headers = [text(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    rows = [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]
    return headers, rows


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("workspace", {"status": "approuvé"}),
        ("workspace", {"sort": "password"}),
        ("workspace", {"reviewer": "9" * 20}),
        ("workspace", {"score_min": "abc"}),
        ("grants", {"year": "10000"}),
        ("grants", {"region": "abc"}),
        ("conventions", {"kind": "secret"}),
        ("conventions", {"partner_type": "9" * 20}),
        ("conventions", {"q": "a\x00"}),
        ("grants", {"export": "pdf"}),
    ],
)
def test_an_invalid_filter_answers_400(client, staff_user, line, name, params):
    url = _rows(name, 1, line=line)
    client.force_login(staff_user)

    response = client.get(url, params)
    export = client.get(url, {"export": "csv", **params})

    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()
    assert export.status_code == 400


@pytest.mark.parametrize("name", LISTS)
def test_the_files_hold_the_rows_the_page_shows_in_the_same_order(client, staff_user, line, name):
    url = _rows(name, 3, line=line)
    client.force_login(staff_user)

    headers, shown = _table(client.get(url, FILTER[name]).content.decode())
    text = client.get(url, {**FILTER[name], "export": "csv"}).content.decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    xlsx = client.get(url, {**FILTER[name], "export": "xlsx"})
    xlsx_rows = [
        ["" if v is None else str(v) for v in row]
        for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
    ]

    page_headers, file_headers = HEADERS[name]
    assert headers == page_headers
    assert csv_rows[0] == file_headers
    assert xlsx_rows[0] == file_headers
    assert len(shown) == 3
    assert [(row[0], row[-1]) for row in shown] == [(row[0], row[-1]) for row in csv_rows[1:]]
    assert [(row[0], row[-1]) for row in shown] == [(row[0], row[-1]) for row in xlsx_rows[1:]]
    assert not any("OUT" in row[0] for row in shown)


def test_a_row_the_page_links_is_the_row_the_files_name(client, staff_user):
    grant = GrantFactory(reference="SUB-K-001", application__title="=HYPERLINK()")
    client.force_login(staff_user)

    html = client.get(reverse("grants:grants")).content.decode()
    text = client.get(reverse("grants:grants"), {"export": "csv"}).content.decode("utf-8-sig")
    row = next(csv.reader(io.StringIO(text.splitlines()[1]), delimiter=";"))

    assert f'<a href="{reverse("grants:grant", args=[grant.pk])}">SUB-K-001</a>' in html
    assert row[0] == "SUB-K-001"
    assert row[5] == "'=HYPERLINK()"  # the column spec's files keep the formula protection


NAV = (
    '<nav aria-label="Pages"><ul class="pagination pagination-sm">'
    '<li class="page-item disabled"><span class="page-link">1 / 2</span></li>'
    '<li class="page-item"><a class="page-link" href="?{query}&amp;page=2">Suivant</a></li>'
    "</ul></nav>"
)


def _markup(html: str) -> str:
    """The page's tags without the line breaks and indentation between them."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html))


@pytest.mark.parametrize("name", LISTS)
def test_every_list_pages_with_the_one_pagination(client, staff_user, line, monkeypatch, name):
    monkeypatch.setattr("portal.lists.PER_PAGE", 2)
    url = _rows(name, 3, line=line)
    client.force_login(staff_user)
    query = "&amp;".join(f"{key}={value}" for key, value in FILTER[name].items())

    first = client.get(url, FILTER[name]).content.decode()
    second = client.get(url, {**FILTER[name], "page": 2}).content.decode()

    assert NAV.format(query=query) in _markup(first)
    assert '<span class="page-link">2 / 2</span>' in second
    assert len(_table(first)[1]) == 2
    assert len(_table(second)[1]) == 1


def test_the_public_calls_list_pages_with_the_same_include(client, monkeypatch):
    from tests.factories import CallFactory

    for _n in range(21):
        CallDomainFactory(call=CallFactory())

    html = client.get(reverse("calls:list")).content.decode()

    assert NAV.format(query="state=open&amp;") in _markup(html)


# Queries of each list, whatever its number of rows. Every list: the session, the user, the
# user's groups, the count of the filtered rows and the page of rows (5). The workspace: the
# call, the counts by state, and the options of the domain, region, province and reviewer
# filters (+6). The funded projects: the totals, the overdue reports (count and rows), the
# conventions ending and the meetings coming up, the programmes and regions (+7). The
# register: the user's permissions (2), the partner types, the years, the regions and the
# counts by partner type (+6).
QUERIES = {"workspace": 11, "grants": 12, "conventions": 11}


@pytest.fixture
def sessions_in_db(settings):
    """The session read from the database even when a cache holds it (``REDIS_URL`` turns on
    cached sessions), so that the counts are the same everywhere."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.mark.usefixtures("sessions_in_db")
@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("name", LISTS)
def test_a_list_s_queries_do_not_grow_with_its_rows(
    staff, line, django_assert_num_queries, name, rows
):
    url = _rows(name, rows, line=line)

    with django_assert_num_queries(QUERIES[name]):
        response = staff.get(url, FILTER[name])

    assert response.status_code == 200
    assert len(_table(response.content.decode())[1]) == rows
