"""Background jobs of applications: receipts after submission, and the deadline's sweep."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_receipt(submission_id: int) -> None:
    from grants.models import ApplicationSubmission
    from grants.receipts import ensure_receipt

    submission = ApplicationSubmission.objects.filter(pk=submission_id).first()
    if submission is not None:
        ensure_receipt(submission)


@shared_task
def close_reopened_applications() -> int:
    """Reopened applications not sent again by the deadline count as their last version."""
    from grants.services.apply import close_reopened

    return close_reopened()


@shared_task
def expire_complement_requests() -> int:
    """Applications whose complements were not sent by the due date become inadmissible."""
    from grants.services.evaluation import expire_complements

    return expire_complements()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def prepare_grants(grant_ids: list[int]) -> None:
    """Tranches, reports due and the convention PDF of newly approved grants."""
    from grants.models import Grant
    from grants.services.followup import prepare_grant

    for grant in Grant.objects.filter(pk__in=grant_ids):
        prepare_grant(grant)


@shared_task
def remind_overdue_reports() -> int:
    """Remind associations of their overdue reports (at most once a week each)."""
    from grants.services.followup import remind_overdue

    return remind_overdue()
