"""Every background job of the portal is started here, through an outbox.

``send_task(task, *args, **kwargs)`` writes an ``OutboxMessage`` row in the caller's
transaction and publishes it to the broker once that transaction commits. When the broker
cannot be reached (Redis stopped), the request goes on: the row stays unpublished and is
published later by ``relay()`` — the ``relay-outbox`` periodic job, and every worker when it
starts. Nothing is lost; and since a row can be published twice (the broker took it but the
database could not record it), tasks either are idempotent or wrap their effect in
``run_once``, which uses the row's task id to do it only once.

The row keeps the id of the request that queued the job (``request_id``) and the job is
published with it in its headers: the worker's log lines carry it (``portal.celery``).

Without ``REDIS_URL`` tasks run eagerly: the row is written and the task runs in the web
process at the commit, as before.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal import logs
from portal.models import OutboxMessage

logger = logging.getLogger(__name__)

# A row younger than this may still be on its way from the request that wrote it.
RELAY_GRACE = timedelta(seconds=30)
# A failed publication is not retried by the caller: the relay does it.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# After this, a run whose worker died without a word may be taken over by a second delivery.
RUN_LEASE = timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 660))


def send_task(task, *args: Any, **kwargs: Any) -> OutboxMessage:
    """Start ``task(*args, **kwargs)`` once the current transaction commits (at once outside
    a transaction). Arguments must be JSON-serialisable: ids and strings."""
    from portal.celery import app

    message = OutboxMessage.objects.create(
        task=task.name, args=list(args), kwargs=kwargs, request_id=logs.get("request_id") or ""
    )
    # Run eagerly, a task's error reaches the caller as before; through the broker, a failed
    # publication never breaks the request.
    transaction.on_commit(lambda: _publish(message), robust=not app.conf.task_always_eager)
    return message


def publish(pk: int) -> bool:
    """Hand one row to the broker; ``False`` (logged) when the broker cannot take it."""
    message = OutboxMessage.objects.filter(pk=pk, published_at=None).first()
    if message is None:
        return True
    return _publish(message)


def _publish(message: OutboxMessage) -> bool:
    from portal.celery import REQUEST_ID_HEADER, app

    options = {"args": message.args, "kwargs": message.kwargs, "task_id": str(message.task_id)}
    if message.request_id:  # the job's log lines carry the id of the request that queued it
        options["headers"] = {REQUEST_ID_HEADER: message.request_id}
    if app.conf.task_always_eager:
        app.tasks[message.task].apply_async(**options)
    else:
        try:
            app.send_task(message.task, retry=True, retry_policy=PUBLISH_RETRY_POLICY, **options)
        except Exception as error:  # the broker is down or refused: the relay will try again
            logger.warning(
                "task %s (%s) not published, kept in the outbox: %s",
                message.task,
                message.task_id,
                error,
            )
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=message.attempts + 1, last_error=str(error)[:2000]
            )
            return False
    OutboxMessage.objects.filter(pk=message.pk, published_at=None).update(
        published_at=timezone.now(), attempts=message.attempts + 1, last_error=""
    )
    return True


def relay(*, grace: timedelta = RELAY_GRACE, limit: int = 500) -> int:
    """Publish the rows left unpublished; stop at the first failure (the broker is still down).
    Returns how many were published."""
    cutoff = timezone.now() - grace
    published = 0
    with transaction.atomic():
        pending = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(published_at=None, created_at__lte=cutoff)
            .order_by("created_at", "id")[:limit]
        )
        for message in pending:
            if not _publish(message):
                break
            published += 1
    if pending:
        logger.info("outbox relay: %d of %d pending tasks published", published, len(pending))
    return published


def run_once(task_id: str | None, effect: Callable[[], Any]) -> Any:
    """Run ``effect`` unless the outbox row of ``task_id`` says it already ran, or runs now in
    another worker (a second delivery of the same message). A run that was interrupted (its
    worker killed) can be taken over once ``RUN_LEASE`` has passed. Tasks started without the
    outbox just run."""
    try:
        uuid.UUID(str(task_id))
    except ValueError:  # not started through the outbox
        return effect()
    rows = OutboxMessage.objects.filter(task_id=task_id)
    if not rows.exists():
        return effect()
    now = timezone.now()
    claimed = (
        rows.filter(done_at=None)
        .filter(Q(started_at=None) | Q(started_at__lt=now - RUN_LEASE))
        .update(started_at=now)
    )
    if not claimed:
        logger.info("task %s already done or running: second delivery ignored", task_id)
        return None
    try:
        result = effect()
    except BaseException:
        rows.update(started_at=None)
        raise
    rows.update(done_at=timezone.now())
    return result
