"""The Celery application. Without REDIS_URL, settings make every task run eagerly.

Its signals give the worker what the web has: the Django logging configuration (JSON lines
with ``LOG_FORMAT=json``) instead of Celery's own, a log context with the task's name, its id
and the id of the request that queued it, and each job's duration for the metrics.
"""

import contextlib
import logging
import os
import time

from celery import Celery
from celery.signals import (
    before_task_publish,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_ready,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The header that carries the id of the request a job was queued by.
REQUEST_ID_HEADER = "request_id"


@worker_ready.connect
def relay_outbox_on_start(**kwargs) -> None:
    """A worker that starts publishes what was kept in the outbox while the broker was down."""
    from portal.outbox import relay

    try:
        relay()
    except Exception:  # the worker runs anyway; the periodic relay will try again
        logging.getLogger(__name__).exception("outbox relay at worker start failed")


@setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """The worker and beat log as the web does (``settings.LOGGING``), not in Celery's format."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@before_task_publish.connect
def add_request_id(headers=None, **kwargs) -> None:
    """A job published while a request (or a job) runs carries its request id, unless the
    outbox already set the one it stored with the row."""
    from portal import logs

    request_id = logs.get("request_id")
    if headers is not None and request_id and not headers.get(REQUEST_ID_HEADER):
        headers[REQUEST_ID_HEADER] = request_id


_running: dict[str, tuple[float, object]] = {}


def _request_id_of(task) -> str | None:
    request = task.request
    value = getattr(request, REQUEST_ID_HEADER, None)
    if not value:
        value = (getattr(request, "headers", None) or {}).get(REQUEST_ID_HEADER)
    return value


@task_prerun.connect
def start_job(task_id=None, task=None, **kwargs) -> None:
    """Every line the job writes names it, and the request that queued it."""
    from portal import logs

    request_id = _request_id_of(task) or logs.get("request_id")
    token = logs.bind(task_name=task.name, task_id=task_id, request_id=request_id)
    _running[task_id] = (time.perf_counter(), token)


@task_postrun.connect
def end_job(task_id=None, task=None, state=None, **kwargs) -> None:
    from portal import logs
    from portal.metrics import observe_job

    started, token = _running.pop(task_id, (None, None))
    if started is not None:
        observe_job(task.name, state or "UNKNOWN", time.perf_counter() - started)
    if token is not None:
        # Set in another context: leave it, the next job binds its own.
        with contextlib.suppress(ValueError):
            logs.reset(token)
