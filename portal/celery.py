"""The Celery application. Without REDIS_URL, settings make every task run eagerly."""

import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def relay_outbox_on_start(**kwargs) -> None:
    """A worker that starts publishes what was kept in the outbox while the broker was down."""
    from portal.outbox import relay

    try:
        relay()
    except Exception:  # the worker runs anyway; the periodic relay will try again
        logging.getLogger(__name__).exception("outbox relay at worker start failed")
