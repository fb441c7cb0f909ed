"""Refuse passwords known from data breaches (Have I Been Pwned, k-anonymity range API).

Only the first five characters of the password's SHA-1 leave the server. When the service
cannot be reached, the check is skipped (and logged) rather than blocking sign-ups: the other
validators (length, common passwords, similarity) still apply.
"""

import hashlib
import logging
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def breach_count(password: str) -> int | None:
    """How many times the password appears in known breaches; ``None`` if the service is down."""
    digest = hashlib.sha1(password.encode()).hexdigest().upper()  # noqa: S324 - the API's format
    prefix, suffix = digest[:5], digest[5:]
    request = urllib.request.Request(  # noqa: S310 - fixed https URL from settings
        f"{settings.PWNED_PASSWORDS_URL.rstrip('/')}/{prefix}",
        headers={"Add-Padding": "true", "User-Agent": "portail-aap"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.PWNED_PASSWORDS_TIMEOUT) as response:  # noqa: S310
            body = response.read().decode()
    except OSError as error:
        logger.warning("breached-password check skipped: %s", error)
        return None
    for line in body.splitlines():
        candidate, _sep, count = line.partition(":")
        if candidate.strip() == suffix:
            return int(count.strip() or 0)
    return 0


class BreachedPasswordValidator:
    def validate(self, password, user=None):
        if not settings.PWNED_PASSWORDS_URL:
            return
        count = breach_count(password)
        if count:
            raise ValidationError(
                _(
                    "This password appears in known data breaches; choose another one that you "
                    "use nowhere else."
                ),
                code="password_breached",
            )

    def get_help_text(self):
        return _("Your password must not appear in known data breaches.")
