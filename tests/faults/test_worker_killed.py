"""A worker killed with SIGKILL while it builds a bilan: the job is delivered again and ends
with its file, and the bilans page never shows a frozen "running"."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import Call
from reports.models import ReportJob
from reports.services import requeue_interrupted
from tests.factories import CallDomainFactory, GrantFactory, user_with_role
from tests.faults.conftest import STALE_SECONDS
from tests.faults.services import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("needs_postgres")]

RUNNING, INTERRUPTED = "En cours", "Interrompu, reprise en cours"


@pytest.fixture
def ordered(transactional_db, client):
    """A manager logged in, with the data of one bilan."""
    call_domain = CallDomainFactory(call__edition="2017", call__year=2017)
    GrantFactory(application__call_domain=call_domain, amount="4022000.00")
    client.force_login(user_with_role("manager"))
    return Call.objects.get(pk=call_domain.call_id)


def _order(client, call) -> ReportJob:
    response = client.post(
        reverse("reports:bilans"),
        {"programme": call.programme.code, "call": call.pk, "language": "fr", "format": "pdf"},
    )
    assert response.status_code == 302
    return ReportJob.objects.get()


def _shown_status(client, job) -> str:
    page = client.get(reverse("reports:bilans")).content.decode()
    row = page[page.index(reverse("reports:job", args=[job.pk])) :]
    return row[row.index(">") + 1 : row.index("</a>")].strip()


def _follow(client, job, *, timeout: float) -> list[tuple[str, str, float | None]]:
    """Read the bilans page until the job is done, running the periodic requeue every second
    as beat would; returns what the page showed with the heartbeat's age at that moment."""
    seen = []
    deadline = time.monotonic() + timeout
    next_requeue = 0.0
    while time.monotonic() < deadline:
        if time.monotonic() >= next_requeue:
            requeue_interrupted()
            next_requeue = time.monotonic() + 1
        shown = _shown_status(client, job)  # then the heartbeat, which only moves forward
        job.refresh_from_db()
        age = (timezone.now() - job.heartbeat_at).total_seconds() if job.heartbeat_at else None
        seen.append((job.status, shown, age))
        if job.status == ReportJob.Status.DONE:
            return seen
        time.sleep(0.3)
    raise AssertionError(f"job not done after {timeout}s: {seen[-5:]}")


def _running_with_progress(job):
    job.refresh_from_db()
    return job.status == ReportJob.Status.RUNNING and job.progress >= 10


def _assert_never_frozen(seen):
    for status, shown, age in seen:
        if shown == RUNNING:
            # "running" is shown only while its worker shows signs of life
            assert age is not None, (status, shown)
            assert age <= STALE_SECONDS + 1, (status, shown, age)
        else:
            assert shown in {"En attente", INTERRUPTED, "Prêt"}, shown


def _assert_done_with_file(job, *, attempts_at_least: int):
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100), job.error
    assert job.attempts >= attempts_at_least
    with job.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert job.file.size > 1000


def test_the_pool_child_killed_mid_build_the_job_is_delivered_again_and_done(
    ordered, client, start_worker, workdir
):
    worker = start_worker(slow=True)
    job = _order(client, ordered)
    wait_for(lambda: _running_with_progress(job), timeout=60, what="the bilan to start")

    worker.kill_child()  # the main process sees WorkerLostError and requeues the message

    seen = _follow(client, job, timeout=120)

    _assert_done_with_file(job, attempts_at_least=2)
    _assert_never_frozen(seen)
    assert "WorkerLostError" in (workdir / "worker.log").read_text()


def test_the_whole_worker_killed_mid_build_the_job_is_queued_again_and_done(
    ordered, client, start_worker
):
    worker = start_worker(slow=True)
    job = _order(client, ordered)
    wait_for(lambda: _running_with_progress(job), timeout=60, what="the bilan to start")

    worker.kill()  # main process and child: Redis keeps the message for its visibility timeout
    killed_at = timezone.now()
    wait_for(
        lambda: _shown_status(client, job) == INTERRUPTED,
        timeout=STALE_SECONDS + 5,
        what="the page to show the job interrupted",
    )
    start_worker(slow=True)
    seen = _follow(client, job, timeout=120)

    _assert_done_with_file(job, attempts_at_least=2)
    _assert_never_frozen(seen)
    assert job.finished_at - killed_at < timedelta(seconds=90)
