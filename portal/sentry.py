"""Errors to Sentry, only when ``SENTRY_DSN`` is set, and with the personal data taken out.

``settings`` calls ``init()`` at the end of its module, so the web process and the Celery
worker (which loads the same settings) report their errors; without a DSN nothing is
initialised and nothing leaves the machine. ``send_default_pii=False`` keeps the SDK from
sending users' e-mails, addresses and cookies; ``scrub`` (the ``before_send`` hook) goes
further and removes from every string of the event — messages, local variables, request
data, breadcrumbs — what the portal holds that is personal: e-mail addresses, RIBs (24
digits), national identity card numbers, and the cookies and authorization headers.
"""

from __future__ import annotations

import re
from typing import Any

FILTERED = "[Filtered]"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A RIB: 24 digits, often written in groups separated by spaces.
RIB = re.compile(r"(?<!\d)(?:\d[ \u00a0-]?){23}\d(?!\d)")
# A Moroccan national identity card (CNIE) number: one or two letters and up to six digits.
NATIONAL_ID = re.compile(r"\b[A-Z]{1,2}\d{5,6}\b")
# Keys whose value is dropped whole, compared word by word ("user_email", "X-Csrftoken").
SECRET_WORDS = frozenset(
    {
        "authorization",
        "cin",
        "cnie",
        "cookie",
        "cookies",
        "csrftoken",
        "email",
        "mail",
        "passwd",
        "password",
        "password1",
        "password2",
        "phone",
        "rib",
        "secret",
        "sessionid",
        "token",
    }
)
REQUEST_HEADERS_DROPPED = frozenset({"cookie", "authorization", "proxy-authorization"})


def scrub_text(text: str) -> str:
    text = EMAIL.sub(FILTERED, text)
    text = RIB.sub(FILTERED, text)
    return NATIONAL_ID.sub(FILTERED, text)


def secret_key(key: str) -> bool:
    return any(word in SECRET_WORDS for word in re.split(r"[^a-z0-9]+", key.lower()))


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 30:
        return value
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {
            key: FILTERED
            if isinstance(key, str) and secret_key(key) and value[key] not in (None, "")
            else _scrub(value[key], depth + 1)
            for key in value
        }
    if isinstance(value, list | tuple):
        return [_scrub(item, depth + 1) for item in value]
    return value


def scrub(event: dict, hint: dict | None = None) -> dict:
    """``before_send``: the event without cookies, authorization headers and personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value
                for name, value in headers.items()
                if name.lower() not in REQUEST_HEADERS_DROPPED
            }
        request.pop("query_string", None)  # may hold a token
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    # The SDK's own structure (event ids, frame file names...) has none of these keys.
    return _scrub(event)


# Cache and Redis breadcrumbs name their keys, and a session's key is its cookie.
BREADCRUMB_CATEGORIES_DROPPED = frozenset({"redis", "cache", "django.cache"})


def drop_breadcrumb(crumb: dict, hint: dict | None = None) -> dict | None:
    """``before_breadcrumb``: no cache or Redis command (their keys hold session cookies)."""
    if crumb.get("category") in BREADCRUMB_CATEGORIES_DROPPED:
        return None
    return crumb


def init(dsn: str, **options: Any) -> bool:
    """Start the SDK with the Django and Celery integrations; nothing without a DSN."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        before_send=scrub,
        before_breadcrumb=drop_breadcrumb,
        max_request_body_size="never",  # forms hold identities and RIBs
        **options,
    )
    return True
