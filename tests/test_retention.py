"""Retention rules: the daily job anonymises or deletes what has expired, records it, never
touches what a rule still keeps, and its dry run lists the same items without changing a thing."""

import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from grants.models import Application, ApplicationDocument, ApplicationSubmission, Grant
from portal.models import User
from portal.roles import Role
from portal.workflow import transition
from privacy.models import RetentionRecord
from privacy.tasks import apply_retention_rules
from tests.apply_helpers import PDF_BYTES
from tests.factories import (
    ApplicationFactory,
    CallDomainFactory,
    GrantFactory,
    MembershipFactory,
    UserFactory,
    user_with_role,
)
from tests.seeded import seeded  # noqa: F401

pytestmark = pytest.mark.django_db

CASABLANCA = ZoneInfo("Africa/Casablanca")
OPENS = dt.datetime(2019, 11, 1, 9, 0, tzinfo=CASABLANCA)
CLOSES = dt.datetime(2020, 1, 15, 18, 0, tzinfo=CASABLANCA)
ONE_DAY = dt.timedelta(days=1)


def _attach(application) -> str:
    document = ApplicationDocument(
        application=application,
        original_name="liste-beneficiaires.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )
    document.file.save("liste-beneficiaires.pdf", ContentFile(PDF_BYTES), save=True)
    return document.file.name


def _submitted(call_domain, user, **kwargs) -> Application:
    application = ApplicationFactory(
        call_domain=call_domain,
        association=user.memberships.get().association,
        created_by=user,
        status=Application.Status.REJECTED,
        submitted_at=CLOSES - dt.timedelta(days=3),
        reference=f"AAP-2020-{ApplicationFactory._meta.model.objects.count() + 1:03d}",
        **kwargs,
    )
    ApplicationSubmission.objects.create(
        application=application,
        number=1,
        submitted_at=application.submitted_at,
        submitted_by=user,
        snapshot={"project": {"title": application.title, "summary": application.summary}},
    )
    return application


@pytest.fixture
def call_2020():
    return CallDomainFactory(call__opens_at=OPENS, call__closes_at=CLOSES)


@pytest.fixture
def unfunded(call_2020):
    user = MembershipFactory().user
    application = _submitted(call_2020, user)
    return application, _attach(application)


@pytest.fixture
def funded(call_2020):
    user = MembershipFactory().user
    application = _submitted(call_2020, user, requested_amount="180000.00")
    Application.objects.filter(pk=application.pk).update(status=Application.Status.APPROVED)
    grant = GrantFactory(application=application, status=Grant.Status.ACTIVE)
    return grant, _attach(application)


def _run(*args) -> list[str]:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue().splitlines()


def test_an_unfunded_application_is_anonymised_a_day_after_its_retention_ends(unfunded):
    application, path = unfunded
    amount = application.requested_amount

    with time_machine.travel(CLOSES + relativedelta(years=5) + ONE_DAY, tick=False):
        lines = _run()

    application.refresh_from_db()
    assert lines == [
        f"anonymiser dossier #{application.pk} {application} — "
        "RETENTION_UNFUNDED_APPLICATION_YEARS",
        "1 item(s) handled.",
    ]
    assert not default_storage.exists(path)
    assert not application.documents.exists()
    assert application.created_by is None
    assert (application.summary, application.objectives, application.activities) == ("", "", "")
    submission = application.submissions.get()
    assert submission.submitted_by is None
    assert submission.snapshot["project"]["summary"] == ""
    # what the bilans count stays
    assert application.requested_amount == amount
    assert application.status == Application.Status.REJECTED
    assert application.call_domain_id is not None
    record = RetentionRecord.objects.get(object_id=application.pk)
    assert (record.action, record.rule) == ("anonymised", "RETENTION_UNFUNDED_APPLICATION_YEARS")
    assert record.at == CLOSES + relativedelta(years=5) + ONE_DAY


def test_an_unfunded_application_a_day_before_its_retention_ends_is_untouched(unfunded):
    application, path = unfunded

    with time_machine.travel(CLOSES + relativedelta(years=5) - ONE_DAY, tick=False):
        lines = _run()

    application.refresh_from_db()
    assert lines == ["0 item(s) handled."]
    assert default_storage.exists(path)
    assert application.created_by is not None
    assert application.summary == "Accompagnement de proximité."
    assert not RetentionRecord.objects.exists()


def test_a_funded_application_is_untouched_while_its_grant_runs(funded):
    grant, path = funded

    with time_machine.travel(CLOSES + relativedelta(years=11), tick=False):
        lines = _run()

    grant.application.refresh_from_db()
    assert lines == ["0 item(s) handled."]
    assert default_storage.exists(path)
    assert grant.application.created_by is not None


def test_a_grant_file_is_anonymised_ten_years_after_the_grant_closed(funded):
    grant, path = funded
    closed_on = dt.datetime(2022, 6, 30, 12, 0, tzinfo=CASABLANCA)
    with time_machine.travel(closed_on, tick=False):
        transition(grant, Grant.Status.CLOSED, reason="final report accepted")

    with time_machine.travel(closed_on + relativedelta(years=10) - ONE_DAY, tick=False):
        before = _run()
    assert before == ["0 item(s) handled."]
    assert default_storage.exists(path)

    with time_machine.travel(closed_on + relativedelta(years=10) + ONE_DAY, tick=False):
        after = _run()

    grant.refresh_from_db()
    assert after[0].endswith("— RETENTION_GRANT_YEARS")
    assert not default_storage.exists(path)
    assert grant.application.created_by is None
    assert grant.amount == Decimal("100000.00")
    assert grant.application.requested_amount == Decimal("180000.00")


def test_a_draft_never_submitted_is_deleted_with_its_files(call_2020):
    user = MembershipFactory().user
    draft = ApplicationFactory(
        call_domain=call_2020, association=user.memberships.get().association, created_by=user
    )
    path = _attach(draft)

    with time_machine.travel(CLOSES + relativedelta(years=5) + ONE_DAY, tick=False):
        lines = _run()

    assert lines[0].startswith("supprimer dossier")
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(path)
    assert RetentionRecord.objects.get(object_id=draft.pk).action == "deleted"


def test_the_dry_run_lists_the_same_items_and_changes_nothing(unfunded, funded, call_2020):
    application, path = unfunded
    _grant, grant_path = funded
    old = UserFactory()
    User.objects.filter(pk=old.pk).update(last_login=dt.datetime(2020, 2, 1, tzinfo=CASABLANCA))

    with time_machine.travel(CLOSES + relativedelta(years=5, days=2), tick=False):
        dry = _run("--dry-run")
        application.refresh_from_db()
        old.refresh_from_db()
        assert default_storage.exists(path)
        assert application.created_by is not None
        assert old.is_active
        assert not RetentionRecord.objects.exists()
        real = _run()
        again = _run()

    assert dry[-1] == "2 item(s) would be handled."
    assert dry[:-1] == real[:-1]
    assert len(real) == 3
    assert real[:-1] == [
        f"anonymiser dossier #{application.pk} {application} — "
        "RETENTION_UNFUNDED_APPLICATION_YEARS",
        f"anonymiser utilisateur #{old.pk} — RETENTION_INACTIVE_ACCOUNT_YEARS",
    ]
    assert again == ["0 item(s) handled."]  # done once: nothing left to do
    assert default_storage.exists(grant_path)


def test_inactive_accounts_are_anonymised_when_no_rule_keeps_their_records(unfunded):
    application, _path = unfunded
    long_ago = dt.datetime(2020, 2, 1, tzinfo=CASABLANCA)
    idle = MembershipFactory().user
    recent = UserFactory()
    officer = user_with_role(Role.STAFF)
    applicant = application.created_by
    User.objects.filter(pk__in=[idle.pk, officer.pk, applicant.pk]).update(last_login=long_ago)
    User.objects.filter(pk=recent.pk).update(last_login=long_ago + relativedelta(years=1))

    with time_machine.travel(long_ago + relativedelta(years=3) + ONE_DAY, tick=False):
        lines = _run()

    idle.refresh_from_db()
    assert lines == [
        f"anonymiser utilisateur #{idle.pk} — RETENTION_INACTIVE_ACCOUNT_YEARS",
        "1 item(s) handled.",
    ]
    assert idle.email == f"anonymised-{idle.pk}@anonymised.invalid"
    assert not idle.is_active
    assert not idle.memberships.exists()
    # the others: active recently, a ministry role, or an application a rule still keeps
    for user in (recent, officer, applicant):
        user.refresh_from_db()
        assert user.is_active


def test_the_daily_job_is_scheduled_and_applies_the_rules(unfunded):
    _application, path = unfunded

    assert settings.CELERY_BEAT_SCHEDULE["apply-retention-rules"] == {
        "task": "privacy.tasks.apply_retention_rules",
        "schedule": 24 * 3600.0,
    }
    with time_machine.travel(CLOSES + relativedelta(years=6), tick=False):
        assert apply_retention_rules.delay().get() == 1
    assert not default_storage.exists(path)


def _reconcile() -> str:
    out = StringIO()
    try:
        call_command("reconcile", stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error)
    return out.getvalue()


@pytest.mark.usefixtures("seeded")
def test_bilan_figures_are_unchanged_after_the_job_on_seeded_data():
    before = _reconcile()
    submitted = Application.objects.exclude(submitted_at=None).count()

    # every rule has expired by then: the history's grants and the demonstration's call
    with time_machine.travel(timezone.now() + relativedelta(years=11), tick=False):
        handled = _run()

    assert int(handled[-1].split()[0]) > 0
    anonymised = RetentionRecord.objects.filter(action="anonymised")
    assert anonymised.filter(rule="RETENTION_GRANT_YEARS").exists()
    assert Application.objects.exclude(submitted_at=None).count() == submitted
    assert _reconcile() == before
