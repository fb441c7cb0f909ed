"""Report jobs: ask for a bilan, reuse an unchanged one, produce it with progress.

A job's state lives in the database, so a worker that dies loses nothing. A prefork child
killed mid-way: the task is delivered again at once (acks late, rejected on worker lost). The
whole worker killed: Redis would deliver the message again only after its visibility timeout,
so the run writes a heartbeat and ``requeue_interrupted`` (a periodic job) queues again the
jobs whose heartbeat stopped; the pages show them as interrupted, restarting. ``report_run``
starts such a job over and leaves a done job as it is, so a second delivery is harmless.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import record as audit_record
from calls.models import Call, Programme
from grants.models import Grant
from portal.outbox import send_task
from portal.workflow import TransitionError, transition
from reports.bilan import build_bilan
from reports.models import ReportJob
from reports.pdf import bilan_pdf
from reports.statistics import funded_grants
from reports.xlsx import bilan_xlsx

logger = logging.getLogger(__name__)
RENDERERS = {ReportJob.Format.PDF: bilan_pdf, ReportJob.Format.XLSX: bilan_xlsx}
LAYOUT_VERSION = "1"  # bump when the bilan's layout changes, so old files are not reused


def data_fingerprint(
    *, programme: Programme, call: Call | None, year_from, year_to, language: str, fmt: str
) -> str:
    """A hash of the inputs and of the records the bilan reads (one query)."""
    grants = funded_grants().filter(application__call__programme=programme)
    if call is not None:
        grants = grants.filter(application__call=call)
    if year_from:
        grants = grants.filter(awarded_on__year__gte=year_from)
    if year_to:
        grants = grants.filter(awarded_on__year__lte=year_to)
    figures = grants.aggregate(
        n=Count("id"),
        amount=Sum("amount"),
        changed=Max("updated_at"),
        applications=Max("application__updated_at"),
    )
    payload = {
        "layout": LAYOUT_VERSION,
        "programme": programme.code,
        "call": call.edition if call else None,
        "years": [year_from, year_to],
        "language": language,
        "format": fmt,
        "figures": {k: str(v) for k, v in figures.items()},
        "cancelled": Grant.objects.filter(status=Grant.Status.CANCELLED).count(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def report_request(
    *,
    user,
    programme: Programme,
    call: Call | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    language: str = "fr",
    fmt: str = ReportJob.Format.PDF,
    request=None,
) -> tuple[ReportJob, bool]:
    """A job for these inputs: an existing file when the data has not changed, else a new job
    queued for the worker. Returns ``(job, reused)``.

    Every order is in the audit log (``bilan_ordered``: who, from where — the ``request`` —
    the job and its inputs, and whether an existing file was reused).
    """
    fingerprint = data_fingerprint(
        programme=programme,
        call=call,
        year_from=year_from,
        year_to=year_to,
        language=language,
        fmt=fmt,
    )
    existing = (
        ReportJob.objects.filter(fingerprint=fingerprint)
        .exclude(status__in=(ReportJob.Status.FAILED, ReportJob.Status.EXPIRED))
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        _audit_order(existing, user=user, request=request, reused=True)
        return existing, True
    with transaction.atomic():
        job = ReportJob.objects.create(
            requested_by=user,
            programme=programme,
            call=call,
            year_from=year_from,
            year_to=year_to,
            language=language,
            format=fmt,
            fingerprint=fingerprint,
        )
        _enqueue(job)
        _audit_order(job, user=user, request=request, reused=False)
    return job, False


def _audit_order(job: ReportJob, *, user, request, reused: bool) -> None:
    audit_record(
        kind=AuditEntry.Kind.BILAN_ORDERED,
        actor=user,
        obj=job,
        request=request,
        detail={
            "programme": job.programme.code,
            "call": job.call.edition if job.call_id else None,
            "year_from": job.year_from,
            "year_to": job.year_to,
            "language": job.language,
            "format": job.format,
            "reused": reused,
        },
    )


def _enqueue(job: ReportJob) -> None:
    """Queue the job's task (through the outbox: kept until the broker takes it)."""
    from reports.tasks import generate_report

    message = send_task(generate_report, job_id=job.pk)
    job.task_id = str(message.task_id)
    ReportJob.objects.filter(pk=job.pk).update(task_id=job.task_id)


def _set_progress(job: ReportJob, percent: int) -> None:
    ReportJob.objects.filter(pk=job.pk).update(progress=percent, updated_at=timezone.now())


class JobBusy(Exception):
    """Another worker is building this job and shows signs of life."""

    def __init__(self, seconds_left: float):
        super().__init__(f"job is running elsewhere; stale in {seconds_left:.0f}s")
        self.seconds_left = seconds_left


def report_run(*, job: ReportJob, heartbeat: bool = False) -> ReportJob:
    """Produce the job's file. Idempotent: a done job is left as it is; a job whose worker
    died (interrupted, or running with no sign of life) starts over; a job running elsewhere
    raises ``JobBusy``. With ``heartbeat``, a thread shows the run's signs of life."""
    job.refresh_from_db()
    if job.status == ReportJob.Status.DONE:
        return job
    if job.status == ReportJob.Status.RUNNING and not job.heartbeat_stale:
        age = (timezone.now() - job.heartbeat_at).total_seconds()
        raise JobBusy(settings.REPORT_JOB_STALE_SECONDS - age)
    if job.status == ReportJob.Status.FAILED:
        transition(job, ReportJob.Status.PENDING, reason="retry")
    now = timezone.now()
    transition(
        job,
        ReportJob.Status.RUNNING,
        reason="" if job.attempts == 0 else "restart",
        updates={
            "started_at": now,
            "heartbeat_at": now,
            "attempts": job.attempts + 1,
            "progress": 1,
        },
    )
    with _Heartbeat(job.pk) if heartbeat else contextlib.nullcontext():
        return _build(job)


def _build(job: ReportJob) -> ReportJob:
    bilan = build_bilan(
        programme=job.programme.code,
        edition=job.call.edition if job.call else None,
        year_from=job.year_from,
        year_to=job.year_to,
        language=job.language,
        progress=lambda percent: _set_progress(job, percent),
    )
    content = RENDERERS[job.format](bilan)
    _set_progress(job, 95)
    name = slugify(f"bilan-{job.programme.code}-{bilan.period}-{job.language}")
    job.file.save(f"{name}.{job.format}", ContentFile(content), save=False)
    transition(
        job,
        ReportJob.Status.DONE,
        updates={
            "file": job.file.name,
            "progress": 100,
            "finished_at": timezone.now(),
            "error": "",
        },
    )
    return job


class _Heartbeat(threading.Thread):
    """Writes the job's ``heartbeat_at`` every ``REPORT_JOB_HEARTBEAT_SECONDS`` while the
    file is built; it dies with the process, which is how a dead worker is recognised."""

    def __init__(self, job_id: int):
        super().__init__(name=f"report-job-{job_id}-heartbeat", daemon=True)
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.REPORT_JOB_HEARTBEAT_SECONDS):
                try:
                    ReportJob.objects.filter(
                        pk=self.job_id, status=ReportJob.Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # the database is away for a moment: try again later
                    logger.warning("report job %s: heartbeat not written", self.job_id)
        finally:
            connection.close()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.join(timeout=5)


def requeue_interrupted(*, now=None) -> int:
    """Queue again the jobs whose worker died: running with no sign of life for
    ``REPORT_JOB_STALE_SECONDS``. A job interrupted ``REPORT_JOB_MAX_ATTEMPTS`` times fails
    (it may be what kills its worker). Safe to run at any time, on several hosts: each job is
    taken by one compare-and-set. Returns how many were queued again."""
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.REPORT_JOB_STALE_SECONDS)
    stale = ReportJob.objects.filter(status=ReportJob.Status.RUNNING).filter(
        Q(heartbeat_at=None) | Q(heartbeat_at__lt=stale_before)
    )
    queued = 0
    for job in stale:
        try:
            with transaction.atomic():
                if job.attempts >= settings.REPORT_JOB_MAX_ATTEMPTS:
                    transition(
                        job,
                        ReportJob.Status.FAILED,
                        reason="interrupted too many times",
                        updates={"error": f"worker lost {job.attempts} times"},
                    )
                    continue
                transition(job, ReportJob.Status.INTERRUPTED, reason="worker lost")
                _enqueue(job)
                queued += 1
        except TransitionError:  # it moved meanwhile: its worker is alive after all
            continue
    if queued:
        logger.warning("%d report job(s) lost their worker and were queued again", queued)
    return queued


def report_fail(*, job_id: int, error: str) -> None:
    job = ReportJob.objects.filter(pk=job_id).first()
    if job is None or job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
        return
    transition(job, ReportJob.Status.FAILED, reason=error[:500], updates={"error": error[:2000]})


def purge_expired_reports(*, now=None) -> int:
    """Delete the files of bilans generated more than ``REPORT_FILE_TTL_DAYS`` days ago; their
    jobs stay in the history as expired, and the same request builds the bilan again."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.REPORT_FILE_TTL_DAYS)
    old = ReportJob.objects.filter(status=ReportJob.Status.DONE).filter(
        Q(finished_at__lt=limit) | Q(finished_at=None, created_at__lt=limit)
    )
    purged = 0
    for job in old.iterator():
        name = job.file.name
        try:
            if name:
                job.file.storage.delete(name)
            transition(
                job,
                ReportJob.Status.EXPIRED,
                reason=_("File deleted after %(days)d days.")
                % {"days": settings.REPORT_FILE_TTL_DAYS},
                updates={"file": ""},
            )
        except OSError:
            logger.warning("report job %s: its file %s could not be deleted", job.pk, name)
            continue
        except TransitionError:  # expired meanwhile by another run
            continue
        purged += 1
    if purged:
        logger.info("%d expired bilan file(s) deleted", purged)
    return purged


def bilan_filename(job: ReportJob) -> str:
    period = job.call.edition if job.call else f"{job.year_from}-{job.year_to}"
    return f"bilan-{job.programme.code}-{period}-{job.language}.{job.format}"
