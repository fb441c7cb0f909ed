"""The daily retention job."""

from celery import shared_task


@shared_task
def apply_retention_rules() -> int:
    """Anonymise or delete what the retention rules no longer keep; returns how many."""
    from privacy.services import apply_retention

    return len(apply_retention())
