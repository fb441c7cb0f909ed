"""Public pages: home, calls list with filters, a call's page; languages; pinned query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from calls.models import FAQ
from tests.factories import (
    CallDomainFactory,
    CallFactory,
    CriterionFactory,
    RequiredDocumentFactory,
)
from tests.pages import page
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


def test_the_calls_list_sorts_open_upcoming_and_closed_calls(client):
    now = timezone.now()
    open_call = CallFactory(title_fr="Appel ouvert")
    CallFactory(title_fr="Appel à venir", opens_at=now + dt.timedelta(days=5))
    CallFactory(title_fr="Appel clos", status="closed", closes_at=now - dt.timedelta(days=1))
    CallFactory(title_fr="Appel brouillon", status="draft")
    CallDomainFactory(call=open_call, envelope=Decimal("3000000"))

    opened = page(client.get(reverse("calls:list")))
    upcoming = page(client.get(reverse("calls:list"), {"state": "upcoming"}))
    closed = page(client.get(reverse("calls:list"), {"state": "closed"}))

    assert "Appel ouvert" in opened
    assert "3 000 000 DH" in opened
    assert "Appel à venir" not in opened
    assert "Appel à venir" in upcoming
    assert "Appel clos" in closed
    assert "Appel clos" not in opened
    assert all("Appel brouillon" not in text for text in (opened, upcoming, closed))


def test_the_calls_list_filters_by_programme_and_domain(client):
    first = CallDomainFactory(call__title_fr="Appel Femmes")
    second = CallDomainFactory(call__title_fr="Appel Enfance")

    by_programme = page(client.get(reverse("calls:list"), {"programme": first.call.programme_id}))
    by_domain = page(client.get(reverse("calls:list"), {"domain": second.domain_id}))

    assert "Appel Femmes" in by_programme
    assert "Appel Enfance" not in by_programme
    assert "Appel Enfance" in by_domain
    assert "Appel Femmes" not in by_domain


def test_the_calls_lists_queries_do_not_grow_with_the_number_of_calls(client):
    CallDomainFactory()
    few = page_queries(client, reverse("calls:list"))
    for _ in range(12):
        CallDomainFactory()

    assert page_queries(client, reverse("calls:list")) == few


def test_a_calls_page_shows_what_an_association_needs_to_apply(client):
    line = CallDomainFactory(
        call__eligibility_fr="Associations déclarées depuis deux ans.",
        envelope=Decimal("5000000"),
        max_grant=Decimal("250000"),
    )
    call = line.call
    RequiredDocumentFactory(call=call, name_fr="Statuts")
    CriterionFactory(call=call, name_fr="Pertinence", weight=Decimal("30"), max_score=Decimal("10"))
    FAQ.objects.create(call=call, question_fr="Qui peut postuler ?", answer_fr="Les associations.")
    call.specifications.save("cdc.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))

    response = client.get(reverse("calls:detail", args=[call.programme.code, call.edition]))
    text = page(response)
    download = client.get(reverse("calls:specifications", args=[call.programme.code, call.edition]))

    for expected in (
        line.domain.name_fr,
        "5 000 000",
        "250 000",
        "Associations déclarées depuis deux ans.",
        "Statuts",
        "Pertinence",
        "Qui peut postuler ?",
        "Les associations.",
        "Déposer un dossier",
        "Télécharger le cahier des charges",
    ):
        assert expected in text, expected
    assert "encore" in text  # time left
    assert download["Content-Type"] == "application/pdf"


def test_without_an_uploaded_file_the_cahier_des_charges_is_written_from_the_call(client):
    from tests.pdftext import pdf_text

    line = CallDomainFactory(max_grant=Decimal("250000"))
    CriterionFactory(call=line.call, name_fr="Pertinence")

    response = client.get(
        reverse("calls:specifications", args=[line.call.programme.code, line.call.edition])
    )

    text = pdf_text(response.content)
    assert response["Content-Type"] == "application/pdf"
    assert "Cahier des charges" in text
    assert line.domain.name_fr in text
    assert "250 000" in text
    assert "Pertinence" in text


def test_a_draft_call_is_not_public(client):
    call = CallFactory(status="draft")

    assert (
        client.get(reverse("calls:detail", args=[call.programme.code, call.edition])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("language", "direction", "stylesheet", "word"),
    [
        ("fr", "ltr", "bootstrap.min.css", "Appels"),
        ("ar", "rtl", "bootstrap.rtl.min.css", "الطلبات"),
        ("en", "ltr", "bootstrap.min.css", "Calls"),
    ],
)
def test_every_page_switches_language_and_arabic_is_right_to_left(
    client, language, direction, stylesheet, word
):
    CallFactory()

    client.post(reverse("set_language"), {"language": language, "next": "/"})
    for url in (reverse("home"), reverse("calls:list")):
        text = page(client.get(url))
        assert f'dir="{direction}"' in text
        assert stylesheet in text
        assert word in text
        assert 'name="language"' in text  # the switcher is on every page


def test_home_shows_the_open_calls_and_headline_figures(client):
    CallDomainFactory(call__title_fr="Appel 2026 aux associations")

    text = page(client.get(reverse("home")))

    assert "Appel 2026 aux associations" in text
    assert "appels ouverts en ce moment" in text
    assert "projets financés depuis 2017" in text


def test_a_missing_page_says_so_in_the_portal_s_layout(client):
    response = client.get("/appels/inexistant/9999/")

    assert response.status_code == 404
    assert "Page introuvable" in page(response)
    assert "Retour à l'accueil" in page(response)
