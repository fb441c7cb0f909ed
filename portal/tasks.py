from celery import shared_task

from portal import notify


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, recipients: list[str], language: str, template: str, context: dict) -> None:
    """Context must be JSON-serialisable: ids and strings, not model instances."""
    notify._send(recipients, language, template, context)
