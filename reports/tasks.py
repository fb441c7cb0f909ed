"""Background jobs of the reports app: thin, keyword-only ids, state kept in the database."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from reports.models import ReportJob
from reports.services import purge_expired_reports, report_fail, report_run

logger = logging.getLogger(__name__)


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
        report_run(job=job)
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
def purge_expired_report_files() -> int:
    """Files of bilans older than REPORT_FILE_TTL_DAYS are deleted; their jobs show as expired."""
    return purge_expired_reports()
