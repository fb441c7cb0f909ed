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


def table_response(filename: str, header: list[str], rows, *, fmt: str):
    """A list as a CSV or XLSX download, every text cell neutralised, numbers as numbers."""
    import csv
    import io

    from django.http import HttpResponse

    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(neutralise_row(header))
        for row in rows:
            writer.writerow(neutralise_row(row))
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(neutralise_row(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([float(v) if isinstance(v, Decimal) else neutralise_cell(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
