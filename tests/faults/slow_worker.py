"""A Celery worker whose bilans take a few seconds per section, so that a test can kill it
while it builds one. Run as ``python tests/faults/slow_worker.py worker ...``."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django

django.setup()

from reports import services  # noqa: E402

_set_progress = services._set_progress


def slow_progress(job, percent):
    _set_progress(job, percent)
    time.sleep(1.5)


services._set_progress = slow_progress

from portal.celery import app  # noqa: E402

app.worker_main(sys.argv[1:])
