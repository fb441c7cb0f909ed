"""Every admin page answers for staff and is closed to anonymous users."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from associations.models import Invitation
from grants.models import Audit, CommitteeMinutes, Consensus, FieldVisit
from portal.workflow import history
from reports.models import ReportJob
from tests.factories import (
    ApplicationFactory,
    AssociationDocumentFactory,
    GrantFactory,
    ReportJobFactory,
    UserFactory,
)
from tests.seeded import seeded  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

PROJECT_APPS = {"portal", "calls", "associations", "grants", "conventions", "reports"}
MODELS = sorted(
    (m for m in admin.site._registry if m._meta.app_label in PROJECT_APPS),
    key=lambda m: m._meta.label,
)


@pytest.fixture
def complete_data(admin_user):
    """Objects for the models the seed leaves empty."""
    application = ApplicationFactory()
    grant = GrantFactory()
    AssociationDocumentFactory()
    Invitation.objects.create(
        association=application.association, email="x@example.ma", token="t" * 40
    )
    Consensus.objects.create(
        application=application, score=Decimal("70"), comment="ok", moderator=admin_user
    )
    CommitteeMinutes.objects.create(call=application.call)
    FieldVisit.objects.create(
        grant=grant, visited_on=dt.date(2026, 1, 5), officer=admin_user, findings="RAS", rating=4
    )
    Audit.objects.create(grant=grant, kind="internal", auditor="IGF", started_on=dt.date.today())
    ReportJobFactory()


def _object(model):
    return model._default_manager.order_by("pk").first()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_and_change_pages_answer_for_an_administrator(
    model, client, admin_user, complete_data
):
    client.force_login(admin_user)
    info = (model._meta.app_label, model._meta.model_name)
    obj = _object(model)
    assert obj is not None, f"no {model._meta.label} to open"

    listing = client.get(reverse("admin:{}_{}_changelist".format(*info)))
    change = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))

    assert listing.status_code == 200
    assert change.status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(listing.wsgi_request):
        assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_anonymous_users_are_sent_to_the_login_page(model, client):
    info = (model._meta.app_label, model._meta.model_name)

    response = client.get(reverse("admin:{}_{}_changelist".format(*info)))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_association_members_are_refused_the_admin(client, member):
    client.force_login(member)

    response = client.get(reverse("admin:grants_application_changelist"))

    assert response.status_code == 302


def test_the_change_page_shows_the_status_history(client, admin_user):
    from grants.models import Application

    application = Application.objects.filter(
        status="approved", reference__startswith="AAP-"
    ).first()
    client.force_login(admin_user)

    response = client.get(reverse("admin:grants_application_change", args=[application.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert len(history(application)) == 6
    assert "reviewed" in content
    assert "approved" in content


def test_a_transition_action_refuses_an_illegal_move_and_keeps_the_state(client, admin_user):
    grant = GrantFactory(status="closed")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:grants_grant_changelist"),
        {"action": "move_to_active", "_selected_action": [grant.pk]},
        follow=True,
    )

    grant.refresh_from_db()
    assert grant.status == "closed"
    assert "ne peut pas passer de « Clôturé » à « En cours »" in response.content.decode()


def test_status_is_read_only_in_the_admin(client, admin_user):
    grant = GrantFactory(status="active")
    client.force_login(admin_user)

    response = client.get(reverse("admin:grants_grant_change", args=[grant.pk]))

    assert 'name="status"' not in response.content.decode()


def test_report_jobs_cannot_be_added_from_the_admin(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)

    assert client.get(reverse("admin:reports_reportjob_add")).status_code == 403
    assert ReportJob.objects.count() == 0
