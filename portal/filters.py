"""Query parameters of the lists, lookups and dashboards, read through forms.

A list's filters are a ``FilterForm``: every field optional, identifiers bounded to the
database's ``bigint`` range, years to 1900–2100, text without NUL characters. A value that does
not fit is refused with a 400 page (``cleaned_or_400``) rather than reaching the database —
where it would be a server error (``?year=10000``, ``?region=abc``, a 20-digit identifier on
PostgreSQL) — and a lookup answers an empty result.
"""

from django import forms
from django.core.exceptions import BadRequest

BIGINT_MAX = 2**63 - 1
FIRST_YEAR, LAST_YEAR = 1900, 2100


class IdField(forms.IntegerField):
    """A row's identifier: 1 to the largest ``bigint``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=BIGINT_MAX, **kwargs)


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


class TextField(forms.CharField):
    """Free text or a code: at most ``max_length`` characters, no NUL (Django's CharField)."""

    def __init__(self, max_length=200, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_length=max_length, **kwargs)


class FilterForm(forms.Form):
    """A list's query parameters; ``cleaned_or_400()`` gives them or refuses the request."""

    export = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX")], required=False)

    def cleaned_or_400(self) -> dict:
        if self.is_valid():
            return self.cleaned_data
        fields = ", ".join(sorted(self.errors))
        raise BadRequest(f"Invalid filter: {fields}.")  # logged; the 400 page says why


def choices_of(values) -> list[tuple[str, str]]:
    return [("", ""), *((value, value) for value in values)]
