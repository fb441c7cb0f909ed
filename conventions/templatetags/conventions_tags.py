"""Conventions shown on other apps' pages, so that those apps need not import ``conventions``."""

from django import template
from django.utils import timezone

from conventions import selectors

register = template.Library()


@register.inclusion_tag("conventions/_followup_panels.html")
def followup_panels():
    """The funded projects page's panels: conventions ending within three months and steering
    committee meetings coming up."""
    today = timezone.localdate()
    return {
        "ending": selectors.ending_soon(today),
        "meetings": selectors.upcoming_meetings(today),
    }
