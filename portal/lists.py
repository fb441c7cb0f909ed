"""The staff lists' one component: filters, columns, pages and exports.

A list is a django-filter ``ListFilterSet`` over a selector's queryset, and a tuple of
``Column``s. ``render_list()`` refuses invalid filters with a 400 (identifiers bounded to
``bigint``, years to 1900–2100, no NUL: the fields of ``portal.filters``), answers
``?export=csv|xlsx`` with the filtered rows in the columns' order and with their headers (every
text cell neutralised against formulas by ``portal.spreadsheets.table_response``), and otherwise
renders the page of 50 rows with the same columns (``includes/list_table.html``) and one
pagination (``includes/pagination.html``).

A column may be on the page only (``export=False``), in the files only (``cell=None``), and may
carry a shorter header on the page (``page_label``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any

import django_filters
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.template import Template

from portal import filters
from portal.signals import list_exported
from portal.spreadsheets import table_response

PER_PAGE = 50


@dataclass(frozen=True)
class Column:
    """One column of a list.

    ``value``: the exported cell (a callable of the row, or a dotted attribute path; the
    ``key`` by default). ``cell``: the page's ``<td>``, a template that reads ``row`` (and
    loads ``i18n``, ``l10n`` and ``portal_tags``); ``None`` keeps the column out of the page.
    """

    key: str
    label: Any
    value: Callable[[Any], Any] | str | None = None
    cell: str | None = None
    export: bool = True
    page_label: Any = None
    header_class: str = ""
    _getter: Callable[[Any], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        value = self.value if self.value is not None else self.key
        getter = value if callable(value) else attrgetter(value)
        object.__setattr__(self, "_getter", getter)

    def export_value(self, row):
        return self._getter(row)

    @property
    def header(self):
        return self.page_label if self.page_label is not None else self.label

    @cached_property
    def template(self) -> Template:
        return Template("{% load i18n l10n portal_tags %}" + self.cell)


def page_columns(columns) -> list[Column]:
    return [column for column in columns if column.cell is not None]


def export_columns(columns) -> list[Column]:
    return [column for column in columns if column.export]


def export_response(filename: str, columns, rows, *, fmt: str):
    """The rows as a CSV or XLSX file with the columns' headers, in the columns' order."""
    columns = export_columns(columns)
    return table_response(
        filename,
        [str(column.label) for column in columns],
        ([column.export_value(row) for column in columns] for row in rows),
        fmt=fmt,
    )


# --- Filters --------------------------------------------------------------------------------


class IdFilter(django_filters.NumberFilter):
    """A row's identifier, bounded like ``portal.filters.IdField``."""

    field_class = filters.IdField


class YearFilter(django_filters.NumberFilter):
    field_class = filters.YearField


class TextFilter(django_filters.CharFilter):
    """Free text or a code, bounded like ``portal.filters.TextField``."""

    field_class = filters.TextField


class ListFilterSet(django_filters.FilterSet):
    """A staff list's filters. Its form is a ``portal.filters.FilterForm``: it also reads
    ``export`` (``csv`` or ``xlsx``), which filters nothing."""

    class Meta:
        form = filters.FilterForm

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        for name, filter_ in self.filters.items():
            queryset = filter_.filter(queryset, data.get(name))
        return queryset

    def rows_or_400(self):
        """The filtered queryset; a 400 when a parameter does not fit its field."""
        if self.is_bound and not self.form.is_valid():
            fields = ", ".join(sorted(self.form.errors))
            raise BadRequest(f"Invalid filter: {fields}.")  # logged; the 400 page says why
        return self.qs

    @property
    def chosen(self) -> dict[str, str]:
        """The valid filters, as a page shows them back ("" when not chosen)."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return {
            name: "" if data.get(name) in (None, "") else str(data[name])
            for name in self.form.fields
        }


def render_list(
    request,
    filterset: ListFilterSet,
    *,
    columns,
    filename: str,
    template: str,
    context: Callable[[Any], dict] | None = None,
    export_rows: Callable[[Any], Any] | None = None,
    page_rows: Callable[[Any], Any] | None = None,
):
    """Validate the filters (400), export them (``?export=csv|xlsx``) or render the page.

    ``context(rows)`` adds what the page shows besides the table (counts, totals);
    ``export_rows(rows)`` and ``page_rows(rows)`` order or prefetch the filtered rows for the
    file and for the page.
    """
    rows = filterset.rows_or_400()
    fmt = filterset.form.cleaned_data.get("export")
    if fmt:
        exported = export_rows(rows) if export_rows else rows
        list_exported.send(
            sender=getattr(rows, "model", None),
            request=request,
            name=filename,
            fmt=fmt,
            rows=exported.count() if isinstance(exported, QuerySet) else len(exported),
            filters={
                key: value for key, value in filterset.chosen.items() if value and key != "export"
            },
        )
        return export_response(filename, columns, exported, fmt=fmt)
    page = Paginator(page_rows(rows) if page_rows else rows, PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "query": query.urlencode(),
            "columns": page_columns(columns),
            **(context(rows) if context else {}),
        },
    )
