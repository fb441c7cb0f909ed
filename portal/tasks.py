from celery import shared_task

from portal import notify


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, *, recipients: list[str], language: str, template: str, context: dict) -> None:
    """Context must be JSON-serialisable: ids and strings, not model instances. Sent once, even
    when the message is delivered twice."""
    from portal.outbox import run_once

    run_once(self.request.id, lambda: notify._send(recipients, language, template, context))


@shared_task
def relay_outbox() -> int:
    """Publish the jobs that could not reach the broker when they were asked for."""
    from portal.outbox import relay

    return relay()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import(*, job_id: int, confirm: bool = False) -> None:
    """An admin import's dry run, or once confirmed its real import (``portal.imports``)."""
    import logging

    from portal import imports
    from portal.models import ImportJob
    from portal.workflow import transition

    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return
    try:
        imports.run(job, confirm=confirm)
    except Exception as error:
        logging.getLogger(__name__).exception("import job %s failed", job_id)
        job.refresh_from_db()
        if job.status in ImportJob.RUNNING:
            transition(job, ImportJob.Status.FAILED, updates={"message": str(error)[:2000]})
