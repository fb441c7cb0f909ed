"""A request for complements is pre-filled with COMPLEMENTS_DEFAULT_DAYS from today."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import ComplementRequest
from tests.factories import ApplicationFactory, CallDomainFactory

CASABLANCA = ZoneInfo("Africa/Casablanca")


@pytest.fixture
def application(db):
    return ApplicationFactory(
        call_domain=CallDomainFactory(),
        status="submitted",
        reference="AAP-2026-T-90001",
        submitted_at=timezone.now(),
    )


@pytest.mark.parametrize("days", [3, 15])
def test_the_due_date_is_prefilled_with_the_default_delay(
    client, staff_user, application, settings, days
):
    settings.COMPLEMENTS_DEFAULT_DAYS = days
    client.force_login(staff_user)
    expected = dt.datetime.now(CASABLANCA).date() + dt.timedelta(days=days)

    response = client.get(reverse("grants:instruction", args=[application.pk]))

    assert response.status_code == 200
    assert f'name="due_at" value="{expected.isoformat()}T23:59"' in response.text


def test_sending_the_prefilled_date_asks_for_complements_by_then(
    client, staff_user, application, settings
):
    settings.COMPLEMENTS_DEFAULT_DAYS = 10
    client.force_login(staff_user)
    due = dt.datetime.now(CASABLANCA).date() + dt.timedelta(days=10)

    client.post(
        reverse("grants:admissibility", args=[application.pk]),
        {"action": "complements", "message": "Le PV manque", "due_at": f"{due}T23:59"},
    )

    request = ComplementRequest.objects.get(application=application)
    assert request.due_at == dt.datetime.combine(due, dt.time(23, 59), tzinfo=CASABLANCA)
    application.refresh_from_db()
    assert application.status == "complements_requested"
