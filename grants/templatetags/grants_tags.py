from django import template
from django.utils.translation import get_language

from grants.models import Application, BudgetLine

register = template.Library()


@register.filter
def application_status(value: str) -> str:
    """The label of an application state, in the active language (e-mails keep the value)."""
    return dict(Application.Status.choices).get(value, value)


@register.filter
def budget_category(value: str) -> str:
    return dict(BudgetLine.Category.choices).get(value, value)


@register.simple_tag
def snapshot_name(entry: dict, prefix: str = "name") -> str:
    """A name kept in a version in several languages, in the active one (French otherwise)."""
    language = (get_language() or "fr")[:2]
    return entry.get(f"{prefix}_{language}") or entry.get(f"{prefix}_fr") or ""
