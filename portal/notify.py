"""E-mails to users, in each user's language, sent only after the transaction commits.

``notify(users, "grants/email/submitted", {...})`` renders ``<name>_subject.txt`` and
``<name>.txt`` (and ``<name>.html`` when it exists) once per recipient language.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def _send(recipients: list[str], language: str, template: str, context: dict) -> None:
    with translation.override(language):
        full = {**context, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string(f"{template}_subject.txt", full).split())
        body = render_to_string(f"{template}.txt", full)
        try:
            html = render_to_string(f"{template}.html", full)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, bcc=recipients)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def notify(users: Iterable, template: str, context: dict | None = None) -> None:
    """Queue one e-mail per language of ``users``; sent once the current transaction commits
    (kept in the outbox until the broker takes it)."""
    by_language: dict[str, list[str]] = defaultdict(list)
    for user in users:
        if user.email and user.is_active:
            by_language[user.language or settings.LANGUAGE_CODE].append(user.email)
    payload = dict(context or {})
    from portal.outbox import send_task
    from portal.tasks import send_email

    for language, recipients in by_language.items():
        send_task(
            send_email, recipients=recipients, language=language, template=template, context=payload
        )
