"""Template filters every page and PDF uses."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal.i18n import pick
from portal.money import format_amount

register = template.Library()


@register.filter
def money(value):
    """``9398167.54`` → ``9 398 167,54`` (the Ministry's way, whatever the language)."""
    return format_amount(value)


@register.filter
def percent(value, digits=1):
    if value is None:
        return ""
    return f"{Decimal(value):.{int(digits)}f}".replace(".", ",") + "\u00a0%"


@register.filter
def localname(obj, prefix="name"):
    return pick(obj, prefix)


@register.filter
def svg(markup: str):
    """Charts are built by ``reports.charts`` from escaped text only."""
    return mark_safe(markup)


@register.filter
def state_label(value: str, obj) -> str:
    """The readable label of a state of ``obj``'s workflow (history rows keep the raw value)."""
    from portal.workflow import status_field

    if not value:
        return ""
    field = obj._meta.get_field(status_field(type(obj)))
    return dict(field.flatchoices).get(value, value)


@register.filter
def state_colour(obj) -> str:
    """The Bootstrap colour of ``obj``'s current state (``text-bg-{{ obj|state_colour }}``)."""
    return obj.state_colour


@register.simple_tag
def state_badge(obj) -> str:
    """``obj``'s current state as a badge: its label, in the colour its states' class gives it."""
    from portal.workflow import status_field

    label = getattr(obj, f"get_{status_field(type(obj))}_display")()
    return format_html(
        '<span class="badge status-badge text-bg-{}">{}</span>', obj.state_colour, label
    )
