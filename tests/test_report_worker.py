"""A report job through a real Celery worker on Redis (CI sets REDIS_URL)."""

import os
import time

import pytest

from calls.models import Call, Programme
from reports.models import ReportJob
from reports.services import report_request
from tests.factories import CallDomainFactory, GrantFactory, user_with_role

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: a real Celery worker runs on Redis",
    ),
]


@pytest.fixture
def worker(transactional_db):
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    previous, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield
    finally:
        app.conf.task_always_eager = previous


def test_a_report_job_runs_in_a_real_worker(worker):
    call_domain = CallDomainFactory(call__edition="2017", call__year=2017)
    GrantFactory(application__call_domain=call_domain, amount="4022000.00")
    manager = user_with_role("manager")
    programme = Programme.objects.get(pk=call_domain.call.programme_id)

    job, reused = report_request(
        user=manager, programme=programme, call=Call.objects.get(pk=call_domain.call_id)
    )

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
            break
        time.sleep(0.25)
    assert reused is False
    assert (job.status, job.progress) == ("done", 100), job.error
    assert job.task_id
    assert job.file.size > 1000
