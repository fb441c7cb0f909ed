"""Generated bilans are kept REPORT_FILE_TTL_DAYS days: then their file is deleted, the history
shows them as expired, and the same request builds the bilan again."""

import datetime as dt

import factory
import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from portal.models import StatusChange
from reports.models import ReportJob
from reports.services import purge_expired_reports, report_request
from reports.tasks import purge_expired_report_files
from tests.factories import CallDomainFactory, ReportJobFactory

pytestmark = pytest.mark.django_db


def _done(manager, *, days_ago: int, **kwargs) -> ReportJob:
    return ReportJobFactory(
        requested_by=manager,
        status=ReportJob.Status.DONE,
        progress=100,
        file=factory.django.FileField(data=b"%PDF-1.7 bilan", filename="bilan.pdf"),
        finished_at=timezone.now() - dt.timedelta(days=days_ago),
        **kwargs,
    )


@pytest.mark.parametrize(("ttl", "purged"), [(365, {"old"}), (5, {"old", "recent"})])
def test_files_older_than_the_ttl_are_deleted_and_their_jobs_expire(manager, settings, ttl, purged):
    settings.REPORT_FILE_TTL_DAYS = ttl
    jobs = {"old": _done(manager, days_ago=400), "recent": _done(manager, days_ago=10)}
    names = {key: job.file.name for key, job in jobs.items()}
    storage = jobs["old"].file.storage
    assert all(storage.exists(name) for name in names.values())

    assert purge_expired_reports() == len(purged)

    for key, job in jobs.items():
        job.refresh_from_db()
        if key in purged:
            assert job.status == ReportJob.Status.EXPIRED
            assert not job.file
            assert not storage.exists(names[key])
            change = StatusChange.objects.filter(object_id=job.pk, to_state="expired").get()
            assert change.from_state == "done"
        else:
            assert job.status == ReportJob.Status.DONE
            assert storage.exists(names[key])


def test_the_periodic_job_purges_daily_through_the_task(manager, settings):
    settings.REPORT_FILE_TTL_DAYS = 30
    job = _done(manager, days_ago=31)

    assert purge_expired_report_files.delay().get() == 1

    job.refresh_from_db()
    assert job.status == ReportJob.Status.EXPIRED
    schedule = django_settings.CELERY_BEAT_SCHEDULE["purge-expired-report-files"]
    assert schedule["task"] == "reports.tasks.purge_expired_report_files"
    assert schedule["schedule"] == 24 * 3600.0


def test_running_and_failed_jobs_are_left_alone(manager, settings):
    settings.REPORT_FILE_TTL_DAYS = 1
    old = timezone.now() - dt.timedelta(days=30)
    failed = ReportJobFactory(requested_by=manager, status=ReportJob.Status.FAILED)
    ReportJob.objects.filter(pk=failed.pk).update(created_at=old)

    assert purge_expired_reports() == 0

    failed.refresh_from_db()
    assert failed.status == ReportJob.Status.FAILED


def test_the_history_shows_an_expired_bilan_without_its_download(client, manager, settings):
    settings.REPORT_FILE_TTL_DAYS = 365
    expired = _done(manager, days_ago=400)
    kept = _done(manager, days_ago=1)
    purge_expired_reports()
    client.force_login(manager)

    history = client.get(reverse("reports:bilans")).content.decode()
    job_page = client.get(reverse("reports:job", args=[expired.pk])).content.decode()
    download = client.get(reverse("reports:job_download", args=[expired.pk]))

    assert "Fichier expiré" in history
    assert reverse("reports:job_download", args=[expired.pk]) not in history
    assert reverse("reports:job_download", args=[kept.pk]) in history
    assert "a été supprimé à la fin de sa durée de conservation" in job_page
    assert 'hx-trigger="every 1s"' not in job_page
    assert download.status_code == 404


def test_ordering_an_expired_bilan_again_builds_it_anew(
    manager, settings, django_capture_on_commit_callbacks
):
    call = CallDomainFactory().call
    order = {"user": manager, "programme": call.programme, "call": call, "language": "fr"}
    with django_capture_on_commit_callbacks(execute=True):
        first, reused = report_request(**order)
    first.refresh_from_db()
    assert (first.status, reused) == (ReportJob.Status.DONE, False)
    with django_capture_on_commit_callbacks(execute=True):
        again, reused = report_request(**order)
    assert (again, reused) == (first, True)  # unchanged data: the same file

    settings.REPORT_FILE_TTL_DAYS = 30
    assert purge_expired_reports(now=timezone.now() + dt.timedelta(days=31)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        rebuilt, reused = report_request(**order)

    rebuilt.refresh_from_db()
    assert reused is False
    assert rebuilt.pk != first.pk
    assert rebuilt.status == ReportJob.Status.DONE
    assert rebuilt.file
    assert rebuilt.file.storage.exists(rebuilt.file.name)
