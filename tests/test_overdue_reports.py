"""One rule for overdue reports: expected or sent back for corrections, past their due date, for
a grant that runs; the same on every page, count and reminder, and never cut."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from grants.models import GrantReport
from grants.services import followup as services
from home.worklist import staff_tasks
from tests.factories import GrantFactory, GrantReportFactory, MembershipFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db


def _report(report_status, days_late, **grant):
    grant = GrantFactory(**grant)
    MembershipFactory(association=grant.application.association)
    return GrantReportFactory(
        grant=grant,
        status=report_status,
        due_on=timezone.localdate() - dt.timedelta(days=days_late),
    )


def test_a_report_in_corrections_past_its_due_date_is_overdue_everywhere(
    client, staff_user, django_capture_on_commit_callbacks
):
    report = _report("corrections", 3, reference="SUB-2026-COR-00001")
    _report("corrections", -3)  # not yet due
    _report("submitted", 3)  # sent, waiting for the ministry
    _report("expected", 3, status="closed")  # the grant no longer runs
    today = timezone.localdate()
    client.force_login(staff_user)

    listing = visible_text(client.get(reverse("grants:grants")))
    detail = visible_text(client.get(reverse("grants:grant", args=[report.grant_id])))
    tasks = {str(task.label): task.count for task in staff_tasks()}
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.remind_overdue()

    assert list(GrantReport.objects.overdue(today)) == [report]
    due = f"{report.due_on:%d/%m/%Y}"
    assert "Rapports en retard 1 Rapports en retard SUB-2026-COR-00001 — Rapport" in listing
    assert f"Rapport intermédiaire — attendu pour le {due} en retardCorrections demandées" in detail
    assert tasks["Rapports en retard"] == 1
    assert reminded == 1
    assert [m.subject for m in mail.outbox if "SUB-2026-COR-00001" in m.subject] != []


def test_sixty_overdue_reports_count_as_sixty(client, staff_user):
    for n in range(60):
        _report("expected" if n % 2 else "corrections", 10 + n)
    client.force_login(staff_user)

    listing = visible_text(client.get(reverse("grants:grants")))
    tasks = {str(task.label): task.count for task in staff_tasks()}

    assert GrantReport.objects.overdue(timezone.localdate()).count() == 60
    assert "Rapports en retard 60 " in listing
    assert listing.count(" — Rapport intermédiaire — attendu pour le ") == 50
    assert "Et 10 autres rapports en retard." in listing
    assert tasks["Rapports en retard"] == 60
