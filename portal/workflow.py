"""State machines: one function changes a state, checks the move and records it.

A stateful model declares its states as a nested ``Status(StateChoices)`` (each state's value,
label and badge colour) and its allowed moves as a class attribute
``TRANSITIONS: dict[str, frozenset[str]]`` (and optionally ``STATUS_FIELD``).
``transition()`` is the only writer of that field after creation: it refuses moves that are
not in the map, uses compare-and-set so that two concurrent clicks cannot both win, writes a
``StatusChange`` row and runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal.models import StatusChange


class TransitionError(Exception):
    """A move the state machine does not allow, or that lost a race."""


class IllegalTransition(TransitionError):
    pass


class StaleState(TransitionError):
    pass


BADGE_COLOURS = frozenset(("secondary", "info", "primary", "success", "warning", "danger", "dark"))


class StateChoices(models.TextChoices):
    """The states of a workflow: ``TextChoices`` whose every state also has a badge colour.

    A subclass declares, next to its states, ``colours = nonmember({"draft": "secondary", ...})``
    with a Bootstrap contextual name (``BADGE_COLOURS``) for each state's value; a state without a
    colour, or a colour for a value that is not a state, stops the import. ``Status.DRAFT.colour``
    reads it; pages show it with ``{% state_badge obj %}``.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        colours = cls.__dict__.get("colours")
        values = {member.value for member in cls}
        if not isinstance(colours, Mapping) or set(colours) != values:
            raise TypeError(f"{cls.__qualname__}.colours must give a colour to each of {values}.")
        if unknown := set(colours.values()) - BADGE_COLOURS:
            raise TypeError(f"{cls.__qualname__}.colours: {unknown} are not badge colours.")

    @property
    def colour(self) -> str:
        return type(self).colours[self.value]


def status_field(model: type[models.Model]) -> str:
    return getattr(model, "STATUS_FIELD", "status")


def state_choices(model: type[models.Model]) -> type[StateChoices]:
    """The states of ``model``'s workflow: its nested ``Status`` class."""
    return model.Status


def allowed_targets(obj: models.Model) -> frozenset[str]:
    current = getattr(obj, status_field(type(obj)))
    return frozenset(type(obj).TRANSITIONS.get(current, frozenset()))


def can_transition(obj: models.Model, to: str) -> bool:
    return to in allowed_targets(obj)


def transition(
    obj: models.Model,
    to: str,
    *,
    by: Any = None,
    reason: str = "",
    updates: Mapping[str, Any] | None = None,
) -> StatusChange:
    """Move ``obj`` to state ``to``; raise ``IllegalTransition`` or ``StaleState``.

    Side effects: the row's status (and any ``updates`` fields) is written with
    ``filter(pk, status=old).update(...)``; a ``StatusChange`` is created; ``obj`` is refreshed
    in memory. Callers send notifications with ``transaction.on_commit``.
    """
    model = type(obj)
    field = status_field(model)
    old = getattr(obj, field)
    if to not in model.TRANSITIONS.get(old, frozenset()):
        labels = dict(model._meta.get_field(field).flatchoices)
        raise IllegalTransition(
            _("%(model)s cannot go from “%(old)s” to “%(new)s”.")
            % {
                "model": capfirst(model._meta.verbose_name),
                "old": labels.get(old, old),
                "new": labels.get(to, to),
            }
        )
    values = {field: to, **(updates or {})}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values.setdefault("updated_at", timezone.now())
    with transaction.atomic():
        changed = model._default_manager.filter(pk=obj.pk, **{field: old}).update(**values)
        if changed != 1:
            raise StaleState(
                _("%(model)s was changed by someone else; reload the page.")
                % {"model": capfirst(model._meta.verbose_name)}
            )
        change = StatusChange.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            object_id=obj.pk,
            from_state=old,
            to_state=to,
            by=by if getattr(by, "pk", None) else None,
            reason=reason,
        )
    for name, value in values.items():
        setattr(obj, name, value)
    return change


def record_creation(obj: models.Model, *, by: Any = None, reason: str = "") -> StatusChange:
    """Write the first history row of a new object (from nothing to its initial state)."""
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        from_state="",
        to_state=getattr(obj, status_field(type(obj))),
        by=by if getattr(by, "pk", None) else None,
        reason=reason,
    )


def history(obj: models.Model) -> models.QuerySet[StatusChange]:
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("by")


class StatefulModel(models.Model):
    """Mixin for models with a workflow: ``TRANSITIONS`` and the ``history`` shortcut."""

    TRANSITIONS: Mapping[str, frozenset[str]] = {}

    class Meta:
        abstract = True

    @property
    def status_history(self) -> models.QuerySet[StatusChange]:
        return history(self)

    @property
    def next_states(self) -> frozenset[str]:
        return allowed_targets(self)

    @property
    def state_colour(self) -> str:
        """The badge colour of the current state, as its states' class declares it."""
        return state_choices(type(self))(getattr(self, status_field(type(self)))).colour
