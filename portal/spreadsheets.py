"""What every CSV and XLSX the portal writes has in common.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) would be run
as a formula by a spreadsheet program: such text is prefixed with an apostrophe. Numbers stay
numbers.
"""

from decimal import Decimal

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def neutralise_row(values) -> list:
    return [neutralise_cell(v) for v in values]


class NeutralisedExportMixin:
    """For django-import-export resources: neutralise every exported text cell."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(value, (int, float, Decimal)):
            return value
        return neutralise_cell(value)


class CodeWidget:
    """Factory for a django-import-export foreign-key widget with a readable row error."""

    def __new__(cls, model, field: str = "code"):
        from django.utils.text import capfirst
        from django.utils.translation import gettext as _
        from import_export.widgets import ForeignKeyWidget

        class _Widget(ForeignKeyWidget):
            def clean(self, value, row=None, **kwargs):
                try:
                    return super().clean(value, row=row, **kwargs)
                except model.DoesNotExist:
                    raise ValueError(
                        _("%(model)s not found for the %(field)s “%(value)s”.")
                        % {
                            "model": capfirst(model._meta.verbose_name),
                            "field": field,
                            "value": value,
                        }
                    ) from None

        return _Widget(model, field=field)
