"""Every state machine refuses the moves its map does not allow, and records nothing then.

The models are collected from the app registry, so a new ``StatefulModel`` is checked as soon
as it exists (and needs a factory in ``tests/factories.py``).
"""

import factory
import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from portal.models import StatusChange
from portal.workflow import IllegalTransition, StatefulModel, status_field, transition
from tests import factories

pytestmark = pytest.mark.django_db

STATEFUL_MODELS = sorted(
    (
        model
        for model in apps.get_models()
        if issubclass(model, StatefulModel) and not model._meta.proxy
    ),
    key=lambda model: model._meta.label,
)

FACTORIES = {
    value._meta.model: value
    for value in vars(factories).values()
    if isinstance(value, type)
    and issubclass(value, factory.django.DjangoModelFactory)
    and value._meta.model is not None
}


def _illegal_moves(model):
    """Every (from, to) pair of the model's states that its ``TRANSITIONS`` does not allow."""
    states = [value for value, _label in model._meta.get_field(status_field(model)).choices]
    return [
        (current, target)
        for current in states
        for target in states
        if target not in model.TRANSITIONS.get(current, frozenset())
    ]


def test_the_registry_holds_the_known_state_machines():
    labels = {model._meta.label for model in STATEFUL_MODELS}

    assert {
        "associations.Association",
        "calls.Call",
        "conventions.Convention",
        "grants.Application",
        "grants.Grant",
        "grants.ReviewAssignment",
        "reports.ReportJob",
    } <= labels


@pytest.mark.parametrize("model", STATEFUL_MODELS, ids=lambda model: model._meta.label)
def test_illegal_moves_are_refused_and_leave_no_history(model):
    assert model in FACTORIES, f"tests/factories.py has no factory for {model._meta.label}"
    obj = FACTORIES[model]()
    field = status_field(model)
    initial = getattr(obj, field)
    moves = _illegal_moves(model)
    assert moves, f"{model._meta.label} allows every move"
    history = StatusChange.objects.count()

    tried = set()
    for current, target in moves:
        if not _put_in_state(obj, field, current):
            continue  # a state the row's other fields cannot be in (a database constraint)
        tried.add(current)

        with pytest.raises(IllegalTransition):
            transition(obj, target, reason="test")

        obj.refresh_from_db()
        assert getattr(obj, field) == current, (current, target)
    assert StatusChange.objects.count() == history
    assert initial in tried


def _put_in_state(obj, field, state) -> bool:
    try:
        with transaction.atomic():
            type(obj)._default_manager.filter(pk=obj.pk).update(**{field: state})
    except IntegrityError:
        return False
    obj.refresh_from_db()
    return True
