"""State badges: each state's colour is declared with its states' class, and pages show a state
with one tag, ``{% state_badge obj %}``, in that colour and with the state's label."""

import enum

import pytest
from django.apps import apps
from django.template import Context, Template
from django.urls import reverse

from associations.models import Association
from grants.models import Application, CommitteeMinutes, Grant
from portal.workflow import (
    BADGE_COLOURS,
    StateChoices,
    StatefulModel,
    state_choices,
    status_field,
)
from tests.factories import (
    ApplicationFactory,
    AssociationFactory,
    CallFactory,
    CommitteeMinutesFactory,
    GrantFactory,
    MembershipFactory,
)

STATEFUL_MODELS = sorted(
    (model for model in apps.get_models() if issubclass(model, StatefulModel)),
    key=lambda model: model._meta.label,
)


def test_the_stateful_models_are_all_found():
    assert {model._meta.label for model in STATEFUL_MODELS} >= {
        "associations.Association",
        "calls.Call",
        "conventions.Convention",
        "grants.Application",
        "grants.Audit",
        "grants.AuditRecommendation",
        "grants.CommitteeMinutes",
        "grants.Grant",
        "grants.GrantReport",
        "grants.ReviewAssignment",
        "grants.Tranche",
        "portal.ImportJob",
        "reports.ReportJob",
    }


@pytest.mark.parametrize("model", STATEFUL_MODELS, ids=lambda model: model._meta.label)
def test_every_state_of_every_stateful_model_has_a_badge_colour(model):
    states = state_choices(model)
    field = model._meta.get_field(status_field(model))

    assert issubclass(states, StateChoices)
    assert [value for value, _label in field.choices] == states.values
    for state in states:
        assert state.colour in BADGE_COLOURS, state


def test_a_state_without_a_colour_stops_the_class():
    with pytest.raises(TypeError, match="must give a colour to each of"):

        class Status(StateChoices):
            OPEN = "open", "Open"
            CLOSED = "closed", "Closed"
            colours = enum.nonmember({"open": "success"})


def test_a_colour_outside_bootstrap_s_contextual_names_stops_the_class():
    with pytest.raises(TypeError, match="are not badge colours"):

        class Status(StateChoices):
            OPEN = "open", "Open"
            colours = enum.nonmember({"open": "green"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "html"),
    [
        (
            Association.Status.PENDING,
            '<span class="badge status-badge text-bg-info">En attente de vérification</span>',
        ),
        (
            Association.Status.CHANGES_REQUESTED,
            '<span class="badge status-badge text-bg-warning">Corrections demandées</span>',
        ),
        (
            Association.Status.SUSPENDED,
            '<span class="badge status-badge text-bg-danger">Suspendu</span>',
        ),
    ],
)
def test_the_tag_renders_the_label_in_the_state_s_colour(status, html):
    association = AssociationFactory(status=status)

    rendered = Template("{% load portal_tags %}{% state_badge association %}").render(
        Context({"association": association})
    )

    assert rendered == html


@pytest.mark.django_db
def test_the_filter_gives_the_colour_of_the_current_state():
    minutes = CommitteeMinutesFactory(status=CommitteeMinutes.Status.CLOSED)

    rendered = Template("{% load portal_tags %}text-bg-{{ minutes|state_colour }}").render(
        Context({"minutes": minutes})
    )

    assert rendered == "text-bg-success"


# One page per model with a badge shows the same badge as before the colours moved.


@pytest.mark.django_db
def test_the_association_page_shows_its_state_badge(login):
    membership = MembershipFactory(association__status=Association.Status.PENDING)

    response = login(membership.user).get(
        reverse("associations:detail", args=[membership.association_id])
    )

    assert response.status_code == 200
    assert (
        '<span class="badge status-badge text-bg-info">En attente de vérification</span>'
        in response.content.decode()
    )


@pytest.mark.django_db
def test_the_application_page_shows_its_state_badge(login):
    membership = MembershipFactory()
    application = ApplicationFactory(
        association=membership.association, status=Application.Status.COMPLEMENTS_REQUESTED
    )

    response = login(membership.user).get(reverse("grants:application", args=[application.pk]))

    assert response.status_code == 200
    assert (
        '<span class="badge status-badge text-bg-warning">Compléments demandés</span>'
        in response.content.decode()
    )


@pytest.mark.django_db
def test_the_grant_page_shows_its_state_badge(login, staff_user):
    grant = GrantFactory(status=Grant.Status.PENDING_SIGNATURE)

    response = login(staff_user).get(reverse("grants:grant", args=[grant.pk]))

    assert response.status_code == 200
    assert (
        '<span class="badge status-badge text-bg-info">En attente de signature</span>'
        in response.content.decode()
    )


@pytest.mark.django_db
def test_the_ranking_page_shows_the_minutes_state_badge(login, staff_user):
    call = CallFactory()
    minutes = CommitteeMinutesFactory(call=call, status=CommitteeMinutes.Status.CLOSED)

    response = login(staff_user).get(reverse("grants:ranking", args=[call.pk]))

    assert response.status_code == 200
    assert (
        f'<span class="badge text-bg-success">Procès-verbal N° {minutes.number} · Clôturé</span>'
        in response.content.decode()
    )
