from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def personal_data_settings() -> dict:
    """What the personal-data notice names: the CNDP declaration, the contact, the version."""
    return {
        "cndp_number": settings.CNDP_DECLARATION_NUMBER,
        "contact": settings.PERSONAL_DATA_CONTACT,
        "version": settings.PERSONAL_DATA_NOTICE_VERSION,
    }
