"""The shared state machine: illegal moves are refused, legal ones write history."""

import pytest

from calls.models import Call
from grants.models import Application, Grant, Tranche
from portal.models import StatusChange
from portal.workflow import IllegalTransition, StaleState, history, transition
from tests.factories import ApplicationFactory, CallFactory, GrantFactory, TrancheFactory

pytestmark = pytest.mark.django_db

STATEFUL = [Call, Application, Grant, Tranche]


@pytest.mark.parametrize("model", STATEFUL, ids=lambda m: m.__name__)
def test_transition_map_names_only_real_states(model):
    states = set(model.Status.values)
    assert set(model.TRANSITIONS) == states
    for targets in model.TRANSITIONS.values():
        assert targets <= states


def _illegal_application_moves():
    states = Application.Status.values
    return [
        (old, new) for old in states for new in states if new not in Application.TRANSITIONS[old]
    ]


@pytest.mark.parametrize(("old", "new"), _illegal_application_moves())
def test_every_illegal_application_move_is_refused(old, new, staff_user):
    application = ApplicationFactory(status=old)

    with pytest.raises(IllegalTransition):
        transition(application, new, by=staff_user)

    application.refresh_from_db()
    assert application.status == old
    assert not StatusChange.objects.exists()


def test_legal_move_writes_who_when_from_to_why(staff_user):
    application = ApplicationFactory(status=Application.Status.SUBMITTED)

    transition(application, Application.Status.INADMISSIBLE, by=staff_user, reason="Pas de RIB")

    application.refresh_from_db()
    assert application.status == Application.Status.INADMISSIBLE
    [change] = history(application)
    assert (change.from_state, change.to_state, change.by, change.reason) == (
        "submitted",
        "inadmissible",
        staff_user,
        "Pas de RIB",
    )
    assert change.at is not None


def test_stale_object_loses_the_race(staff_user):
    application = ApplicationFactory(status=Application.Status.SUBMITTED)
    first_click = Application.objects.get(pk=application.pk)
    second_click = Application.objects.get(pk=application.pk)

    transition(first_click, Application.Status.ADMISSIBLE, by=staff_user)
    with pytest.raises(StaleState):
        transition(second_click, Application.Status.INADMISSIBLE, by=staff_user)

    application.refresh_from_db()
    assert application.status == Application.Status.ADMISSIBLE
    assert history(application).count() == 1


def test_call_and_grant_and_tranche_use_the_same_machine(staff_user):
    call = CallFactory(status=Call.Status.DRAFT)
    grant = GrantFactory(status=Grant.Status.CLOSED)
    tranche = TrancheFactory(status=Tranche.Status.PLANNED)

    transition(call, Call.Status.PUBLISHED, by=staff_user)
    with pytest.raises(IllegalTransition):
        transition(grant, Grant.Status.ACTIVE, by=staff_user)
    with pytest.raises(IllegalTransition):
        transition(tranche, Tranche.Status.PAID, by=staff_user)

    assert [c.to_state for c in history(call)] == ["published"]
    assert not history(grant).exists()
