"""Date fields are the browser's date pickers (``type=date``): their value must be an ISO date
whatever the language, or the browser shows them empty and refuses to send a required one (the
payment date of a tranche used to be rendered ``25/11/2026`` in French)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from associations.forms import AssociationDocumentForm, AssociationForm
from grants.forms.followup import AuditForm, PaymentForm, RecommendationForm, SignForm, VisitForm
from grants.models import Tranche
from tests.factories import AssociationFactory, TrancheFactory

DAY = dt.date(2026, 3, 5)


def _value(html: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', str(html))
    assert tag, html
    found = re.search(r'value="([^"]*)"', tag.group(0))
    return found.group(1) if found else None


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
@pytest.mark.parametrize(
    ("form_class", "name"),
    [
        (SignForm, "signed_on"),
        (PaymentForm, "paid_on"),
        (VisitForm, "visited_on"),
        (AuditForm, "started_on"),
        (RecommendationForm, "due_on"),
        (AssociationDocumentForm, "expires_on"),
    ],
)
def test_a_date_field_shows_its_date_as_iso_in_every_language(form_class, name, language):
    with translation.override(language):
        html = str(form_class(initial={name: DAY})[name])
    assert 'type="date"' in html
    assert _value(html, name) == "2026-03-05"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_association_form_keeps_its_registration_date_on_edit(language):
    association = AssociationFactory(registration_date=DAY)
    with translation.override(language):
        html = str(AssociationForm(instance=association)["registration_date"])
    assert _value(html, "registration_date") == "2026-03-05"


@pytest.mark.django_db
def test_the_payment_form_of_a_released_tranche_is_ready_with_today(login, staff_user):
    tranche = TrancheFactory(status=Tranche.Status.RELEASED)
    response = login(staff_user).get(reverse("grants:grant", args=[tranche.grant_id]))
    assert response.status_code == 200
    assert _value(response.content.decode(), "paid_on") == timezone.localdate().isoformat()


@pytest.mark.django_db
def test_an_iso_payment_date_sent_by_the_browser_is_recorded(login, staff_user):
    tranche = TrancheFactory(status=Tranche.Status.RELEASED)
    response = login(staff_user).post(
        reverse("grants:tranche_pay", args=[tranche.grant_id, tranche.pk]),
        {"paid_on": "2026-03-05", "reference": "OV-2026-0042"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.PAID
    assert tranche.paid_on == DAY
