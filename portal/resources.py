"""The base of every spreadsheet resource (django-import-export): what no import may change.

An import writes rows directly, so it would go around the state machine: a row setting an
application's ``status`` to ``approved`` would update it with no ``StatusChange``, no
``Decision`` and no envelope check. Here the fields the workflow writes are read-only on
import:

- the state field of every ``StatefulModel`` (``status``, or its ``STATUS_FIELD``);
- what a resource lists in ``workflow_fields`` (an application's scores, a grant's amount
  paid);
- on rows that already exist, what a resource lists in ``fixed_fields``: values set once when
  the row is created and changed afterwards only by a service (a grant's amount, decided by
  the committee within its domain's envelope).

A row whose cell for such a field differs from the row's current value (for a new row: from
the field's default, i.e. the workflow's starting point) gets a validation error on that field
and is not imported; the dry run shows it. An empty cell, or the same value, changes nothing,
so that an exported file can be edited and imported back.
"""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export import resources

from portal.spreadsheets import NeutralisedExportMixin
from portal.workflow import StatefulModel, status_field


class ModelResource(NeutralisedExportMixin, resources.ModelResource):
    """A ``ModelResource`` whose exports neutralise formulas and whose imports cannot change
    what only the workflow changes (see the module's docstring)."""

    # Fields written only by the workflow's services, besides the state field.
    workflow_fields: tuple[str, ...] = ()
    # Fields an import may set on a new row but never change on an existing one.
    fixed_fields: tuple[str, ...] = ()

    @classmethod
    def guarded_fields(cls) -> frozenset[str]:
        model = cls._meta.model
        names = set(cls.workflow_fields)
        if model is not None and issubclass(model, StatefulModel):
            names.add(status_field(model))
        return frozenset(names)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        guarded = self.guarded_fields() | (set(self.fixed_fields) if instance.pk else set())
        if field.attribute in guarded and not field.readonly:
            self._check_unchanged(field, instance, row, **kwargs)
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def _check_unchanged(self, field, instance, row, **kwargs) -> None:
        """Raise ``ValueError`` (a row error on that field) if the row changes the field."""
        if field.column_name not in row:
            return
        raw = row[field.column_name]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return
        if field.clean(row, **kwargs) == field.get_value(instance):
            return
        model = type(instance)
        if field.attribute == status_field(model):
            message = _(
                "The status does not change by import: use the actions provided for each "
                "%(model)s, which check the move and record it in its history."
            )
        else:
            message = _(
                "“%(field)s” does not change by import: only the actions provided for each "
                "%(model)s change it."
            )
        raise ValueError(
            message
            % {
                "model": model._meta.verbose_name,
                "field": capfirst(model._meta.get_field(field.attribute).verbose_name),
            }
        )
