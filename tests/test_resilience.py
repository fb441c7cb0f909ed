"""The portal when a part fails: the outbox of background jobs, a cache without Redis,
``/healthz`` naming the part that is down, report jobs whose worker died, and a storage that
refuses an upload. (Stopping real services is in ``tests/faults/``.)"""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from calls.models import Call, Programme
from grants.models import Application, ApplicationDocument
from portal import outbox
from portal.models import OutboxMessage
from portal.workflow import history
from reports.models import ReportJob
from reports.services import JobBusy, report_request, report_run, requeue_interrupted
from tests.apply_helpers import pdf_upload, ready_application
from tests.factories import CallDomainFactory, GrantFactory, MembershipFactory

pytestmark = pytest.mark.django_db


# --- /healthz -----------------------------------------------------------------------------------


def test_healthz_names_the_broker_when_redis_is_down_and_still_answers_200(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "ok",
        "broker": "down",
        "storage": "ok",
    }


def test_healthz_answers_503_without_the_database(client, monkeypatch):
    from django.db import connection

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)

    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["database"] == "down"


def test_healthz_names_a_storage_that_cannot_be_written(client, settings, tmp_path):
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(0o500)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": read_only},
        },
    }
    try:
        response = client.get("/healthz")
    finally:
        read_only.chmod(0o700)

    assert response.status_code == 200
    assert response.json()["storage"] == ("ok" if _is_root() else "down")


def _is_root() -> bool:
    import os

    return os.geteuid() == 0  # root writes anywhere: the check cannot fail for it


# --- The cache without Redis --------------------------------------------------------------------


def test_the_redis_cache_answers_as_an_empty_cache_when_redis_is_down(caplog):
    from portal.cache import ResilientRedisCache

    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {})
    started = time.monotonic()

    assert cache.get("key", "default") == "default"
    cache.set("key", "value")  # nothing happens, nothing raised
    assert cache.add("lock", True) is True  # allauth's rate-limit lock is taken at once
    assert cache.get_many(["a", "b"]) == {}
    cache.delete("key")
    assert cache.ping() is False

    assert time.monotonic() - started < 3
    assert "cache unavailable" in caplog.text


def test_with_redis_the_settings_use_the_degrading_cache_and_database_backed_sessions(
    monkeypatch,
):
    import importlib

    import portal.settings

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/2")
    try:
        fresh = importlib.reload(portal.settings)
        assert fresh.CACHES["default"]["BACKEND"] == "portal.cache.ResilientRedisCache"
        assert fresh.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
        assert "relay-outbox" in fresh.CELERY_BEAT_SCHEDULE
        assert "requeue-interrupted-reports" in fresh.CELERY_BEAT_SCHEDULE
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(portal.settings)


# --- The outbox ---------------------------------------------------------------------------------


def _notify_member(captured):
    from portal.notify import notify

    user = MembershipFactory(user__language="fr").user
    OutboxMessage.objects.all().delete()  # what setting up the member queued (integrity checks)
    with captured(execute=True), transaction.atomic():
        notify([user], "grants/email/submitted", _submitted_context())
    return user


def _submitted_context():
    return {
        "application_id": 1,
        "reference": "AAP-2026-VIO-00001",
        "title": "Maison d'écoute",
        "number": 1,
        "submitted_at": "01/03/2026 10:00:00",
        "deadline": "31/03/2026 23:59",
    }


def test_an_email_goes_through_the_outbox_and_is_sent_once_even_if_delivered_twice(
    django_capture_on_commit_callbacks,
):
    _notify_member(django_capture_on_commit_callbacks)

    row = OutboxMessage.objects.get(task="portal.tasks.send_email")
    assert row.task == "portal.tasks.send_email"
    assert row.published_at is not None
    assert row.done_at is not None
    assert len(mail.outbox) == 1

    from portal.tasks import send_email

    send_email.apply(kwargs=row.kwargs, task_id=str(row.task_id))  # the same message again

    assert len(mail.outbox) == 1


def test_a_job_the_broker_refuses_stays_in_the_outbox_and_the_relay_publishes_it(
    django_capture_on_commit_callbacks, monkeypatch
):
    from portal.celery import app

    published = []

    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app, "send_task", broker_down)
    app.conf.task_always_eager = False  # through the broker (the fixture puts it back)
    _notify_member(django_capture_on_commit_callbacks)  # the request is not disturbed

    row = OutboxMessage.objects.get(task="portal.tasks.send_email")
    assert (row.published_at, row.attempts) == (None, 1)
    assert "Connection refused" in row.last_error
    assert outbox.relay() == 0  # too young: its own request may still publish it
    assert outbox.relay(grace=timedelta(0)) == 0  # the broker is still down
    assert OutboxMessage.objects.get(task="portal.tasks.send_email").attempts == 2

    monkeypatch.setattr(app, "send_task", lambda name, **kw: published.append((name, kw)))
    assert outbox.relay(grace=timedelta(0)) == 1
    assert outbox.relay(grace=timedelta(0)) == 0  # published once, never twice

    row.refresh_from_db()
    assert row.published_at is not None
    assert [(name, kw["task_id"]) for name, kw in published] == [
        ("portal.tasks.send_email", str(row.task_id))
    ]


def test_a_submission_queues_its_receipt_and_emails_through_the_outbox(
    client, django_capture_on_commit_callbacks
):
    _user, application = ready_application(client)
    OutboxMessage.objects.all().delete()  # what setting up the draft queued (integrity checks)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:apply_submit", args=[application.pk]))

    assert response.status_code == 302
    tasks = sorted(OutboxMessage.objects.values_list("task", flat=True))
    assert {"grants.tasks.render_receipt", "portal.tasks.send_email"} <= set(tasks)
    assert "integrity.tasks.compute_application_signals" in tasks
    assert not OutboxMessage.objects.filter(published_at=None).exists()
    submission = Application.objects.get(pk=application.pk).submissions.get()
    assert submission.receipt


def test_no_task_is_dispatched_around_the_outbox():
    """Every ``.delay(``/``.apply_async(`` of the apps would bypass the outbox."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = [
        f"{path.relative_to(root)}"
        for app in root.glob("*/apps.py")
        for path in app.parent.rglob("*.py")
        if "migrations" not in path.parts
        and path.name != "outbox.py"
        and (".delay(" in path.read_text() or ".apply_async(" in path.read_text())
    ]
    assert offenders == []


# --- Report jobs whose worker died --------------------------------------------------------------


@pytest.fixture
def bilan_request(manager):
    call_domain = CallDomainFactory(call__edition="2017", call__year=2017)
    GrantFactory(application__call_domain=call_domain, amount="4022000.00")
    return {
        "user": manager,
        "programme": Programme.objects.get(pk=call_domain.call.programme_id),
        "call": Call.objects.get(pk=call_domain.call_id),
    }


def _left_running(job, *, seconds_ago, attempts=1):
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RUNNING,
        progress=40,
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(seconds=seconds_ago),
    )
    job.refresh_from_db()
    return job


def test_a_running_job_without_heartbeat_is_shown_interrupted_then_requeued_and_done(
    client, bilan_request, django_capture_on_commit_callbacks, settings
):
    settings.REPORT_JOB_STALE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = report_request(**bilan_request)  # queued, never run
    client.force_login(bilan_request["user"])

    _left_running(job, seconds_ago=10)
    page = client.get(reverse("reports:bilans")).content.decode()
    assert "En cours" in page
    assert requeue_interrupted() == 0  # its worker shows signs of life

    _left_running(job, seconds_ago=61)  # its worker died
    page = client.get(reverse("reports:bilans")).content.decode()
    progress = client.get(reverse("reports:job_progress", args=[job.pk])).content.decode()
    assert "Interrompu, reprise en cours" in page
    assert "Interrompu, reprise en cours" in progress
    assert 'hx-trigger="every 1s"' in progress  # the page keeps following it

    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_interrupted() == 1

    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 100, 2)
    assert job.file.size > 1000
    statuses = list(history(job).values_list("to_state", flat=True))
    assert statuses[-3:] == ["interrupted", "running", "done"]
    assert OutboxMessage.objects.filter(task="reports.tasks.generate_report").count() == 2


def test_a_job_that_keeps_losing_its_worker_fails_with_a_reason(bilan_request, settings):
    settings.REPORT_JOB_MAX_ATTEMPTS = 3
    job = ReportJob.objects.create(
        requested_by=bilan_request["user"],
        programme=bilan_request["programme"],
        call=bilan_request["call"],
        language="fr",
        format="pdf",
    )
    _left_running(job, seconds_ago=3600, attempts=3)

    assert requeue_interrupted() == 0

    job.refresh_from_db()
    assert job.status == "failed"
    assert "worker lost 3 times" in job.error


def test_a_second_delivery_while_the_job_runs_elsewhere_waits_for_it(bilan_request, settings):
    settings.REPORT_JOB_STALE_SECONDS = 60
    job = ReportJob.objects.create(
        requested_by=bilan_request["user"],
        programme=bilan_request["programme"],
        call=bilan_request["call"],
        language="fr",
        format="pdf",
    )
    _left_running(job, seconds_ago=5)

    with pytest.raises(JobBusy) as busy:
        report_run(job=job)

    assert 50 < busy.value.seconds_left <= 55
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)


# --- A storage that refuses an upload -----------------------------------------------------------


class FailingStorage(FileSystemStorage):
    """A disk that is full, or a bucket that cannot be reached, when a file is written."""

    def _save(self, name, content):
        raise OSError(28, "No space left on device")


def test_a_failing_storage_keeps_the_draft_and_its_files_and_says_so(client, settings):
    _user, application = ready_application(client)
    before = list(
        ApplicationDocument.objects.filter(application=application).values_list(
            "pk", "file", "original_name"
        )
    )
    kept = ApplicationDocument.objects.get(application=application)
    kept_bytes = kept.file.read()
    updated_at = application.updated_at
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.test_resilience.FailingStorage",
            "OPTIONS": {"location": settings.MEDIA_ROOT, "base_url": "/unserved/"},
        },
    }

    response = client.post(
        reverse("grants:apply_document_upload", args=[application.pk]),
        {"file": pdf_upload("budget.pdf")},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Le fichier n&#x27;a pas pu être enregistré" in page
    assert "statuts.pdf" in page  # the other documents are listed as before
    assert (
        list(
            ApplicationDocument.objects.filter(application=application).values_list(
                "pk", "file", "original_name"
            )
        )
        == before
    )
    application.refresh_from_db()
    assert application.status == "draft"
    assert application.updated_at == updated_at
    kept.refresh_from_db()
    assert kept.file.read() == kept_bytes
