"""Background jobs of the reports app: thin, keyword-only ids, state kept in the database."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from reports.models import ReportJob
from reports.services import (
    JobBusy,
    purge_expired_reports,
    report_fail,
    report_run,
    requeue_interrupted,
)

logger = logging.getLogger(__name__)
BUSY_RETRIES = 3


@shared_task(
    bind=True,
    acks_late=True,  # a worker that dies mid-way leaves the message to be delivered again
    reject_on_worker_lost=True,
    autoretry_for=(OSError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=600,
    time_limit=660,
)
def generate_report(self, *, job_id: int) -> None:
    job = ReportJob.objects.select_related("programme", "call").filter(pk=job_id).first()
    if job is None:
        logger.info("report job %s is gone", job_id)
        return
    try:
        report_run(job=job, heartbeat=not self.request.is_eager)
    except JobBusy as busy:
        # Delivered again while another run shows signs of life (a prefork child just killed
        # leaves a fresh heartbeat): come back when it would be stale. The periodic
        # requeue_interrupted job covers the case too, so a few tries are enough.
        if self.request.retries < BUSY_RETRIES:
            raise self.retry(countdown=max(1, busy.seconds_left + 1), exc=busy) from None
        logger.info("report job %s: %s", job_id, busy)
    except SoftTimeLimitExceeded:
        report_fail(job_id=job_id, error="time limit exceeded")
    except (OSError, ConnectionError):
        if self.request.retries >= self.max_retries:
            report_fail(job_id=job_id, error="storage unavailable")
        raise
    except Exception as error:
        logger.exception("report job %s failed", job_id)
        report_fail(job_id=job_id, error=str(error))


@shared_task
def requeue_interrupted_reports() -> int:
    """Report jobs whose worker died (no heartbeat) are queued again."""
    return requeue_interrupted()


@shared_task
def purge_expired_report_files() -> int:
    """Files of bilans older than REPORT_FILE_TTL_DAYS are deleted; their jobs show as expired."""
    return purge_expired_reports()
