"""Every page a demonstration account reaches from the menus answers, on the seeded data."""

import pytest
from django.urls import reverse

from associations.models import Association
from grants.models import Application
from portal.models import User
from tests.seeded import seeded  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _pages_of(client, email):
    client.force_login(User.objects.get(email=email))
    return client


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_president_walks_through_the_association_pages(client, language):
    client = _pages_of(client, "president@demo.ma")
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    association = Association.objects.get(memberships__user__email="president@demo.ma")
    urls = [
        reverse("home"),
        reverse("calls:list"),
        reverse("grants:my_applications"),
        reverse("associations:mine"),
        reverse("associations:detail", args=[association.pk]),
        reverse("associations:edit", args=[association.pk]),
    ]
    for application in Application.objects.filter(association=association):
        urls.append(reverse("grants:application", args=[application.pk]))
        if application.is_editable:
            urls += [
                reverse("grants:apply_step", args=[application.pk, step])
                for step in ("domaine", "projet", "lieu", "budget", "documents", "recapitulatif")
            ]
        urls += [
            reverse("grants:version", args=[application.pk, s.number])
            for s in application.submissions.all()
        ]
    for call in association.applications.values_list("call__programme__code", "call__edition"):
        urls.append(reverse("calls:detail", args=call))

    statuses = {url: client.get(url).status_code for url in urls}

    assert set(statuses.values()) == {200}, statuses


def test_the_staff_officer_opens_the_verification_queue(client):
    client = _pages_of(client, "staff@demo.ma")
    association = Association.objects.first()

    assert client.get(reverse("associations:verification_queue")).status_code == 200
    assert (
        client.get(reverse("associations:verification", args=[association.pk])).status_code == 200
    )


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_staff_officer_walks_through_the_evaluation_of_the_open_call(client, language):
    from calls.models import Call

    client = _pages_of(client, "staff@demo.ma")
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    call = Call.objects.get(status="open")
    urls = [
        reverse("grants:evaluation_calls"),
        reverse("grants:workspace", args=[call.pk]),
        reverse("grants:ranking", args=[call.pk]),
    ] + [
        reverse("grants:instruction", args=[pk])
        for pk in call.applications.exclude(status="draft").values_list("pk", flat=True)
    ]

    statuses = {url: client.get(url).status_code for url in urls}

    assert set(statuses.values()) == {200}, statuses


def test_a_demo_reviewer_opens_the_assigned_applications(client):
    from grants.models import ReviewAssignment

    client = _pages_of(client, "reviewer1@demo.ma")
    assignments = ReviewAssignment.objects.filter(reviewer__email="reviewer1@demo.ma").exclude(
        status="conflict"
    )

    assert client.get(reverse("grants:my_reviews")).status_code == 200
    assert assignments.exists()
    for assignment in assignments:
        assert client.get(reverse("grants:review", args=[assignment.pk])).status_code == 200


def test_the_open_call_goes_from_submitted_applications_to_signed_off_grants():
    """The issue's walk-through on the demonstration data, with the portal's own services."""
    from decimal import Decimal

    from calls.models import Call, CallDomain
    from grants.models import CommitteeMinutes, Decision, Grant, ReviewAssignment
    from grants.services import evaluation as services

    staff = User.objects.get(email="staff@demo.ma")
    committee = User.objects.get(email="comite@demo.ma")
    call = Call.objects.get(status="open")
    envelopes_before = {cd.pk: (cd.envelope, cd.committed) for cd in call.call_domains.all()}

    for application in call.applications.filter(status="submitted"):
        services.declare_admissible(application, by=staff)
    services.auto_assign(call, by=staff)
    criteria = list(call.criteria.order_by("order"))
    for assignment in ReviewAssignment.objects.filter(
        application__call=call, status__in=["assigned", "in_progress"]
    ):
        if assignment.status == "assigned":
            services.declare_no_conflict(assignment)
        services.save_review(
            assignment,
            values={c.pk: (c.max_score * Decimal("0.8"), "") for c in criteria},
            comment="Bon projet.",
            submit=True,
        )
    for application in call.applications.filter(needs_consensus=True):
        services.record_consensus(application, score=Decimal(70), comment="Réunion.", by=staff)
    for line in CallDomain.objects.filter(call=call):
        for application in line.applications.filter(status="reviewed").order_by("-score"):
            line.refresh_from_db()
            if application.requested_amount <= line.remaining and application.passes_grid:
                services.decide(
                    application,
                    outcome="approved",
                    amount=application.requested_amount,
                    reason="",
                    by=committee,
                )
            else:
                services.decide(
                    application, outcome="waitlisted", amount=None, reason="", by=committee
                )
    minutes = CommitteeMinutes.objects.get(call=call)
    services.close_minutes(minutes, by=staff)

    assert not call.applications.filter(status__in=["submitted", "admissible", "under_review"])
    for line in CallDomain.objects.filter(call=call):
        decisions = Decision.objects.filter(application__call_domain=line, outcome="approved")
        approved = sum(d.amount for d in decisions)
        envelope, _before = envelopes_before[line.pk]
        assert line.committed == approved
        assert line.committed <= envelope
    assert (
        Grant.objects.filter(application__call=call).count()
        == Decision.objects.filter(application__call=call, outcome="approved").count()
    )
    minutes.refresh_from_db()
    assert minutes.pdf


@pytest.mark.parametrize("email", ["staff@demo.ma", "manager@demo.ma"])
def test_the_ministry_walks_through_the_funded_projects_and_conventions(client, email):
    from conventions.models import Convention
    from grants.models import Grant

    client = _pages_of(client, email)
    urls = [reverse("grants:grants"), reverse("conventions:list")]
    for grant in Grant.objects.filter(application__call__status="open"):
        urls += [
            reverse("grants:grant", args=[grant.pk]),
            reverse("grants:grant_convention", args=[grant.pk, "pdf"]),
        ]
        urls += [reverse("grants:grant_report", args=[grant.pk, r.pk]) for r in grant.reports.all()]
    urls += [
        reverse("conventions:detail", args=[pk])
        for pk in Convention.objects.filter(
            kind__in=["bilateral", "programme", "grant"]
        ).values_list("pk", flat=True)
    ]

    statuses = {url: client.get(url).status_code for url in urls}

    assert len(urls) > 10
    assert set(statuses.values()) == {200}, statuses


def test_the_president_follows_the_association_s_active_grant(client):
    from grants.models import Grant

    client = _pages_of(client, "president@demo.ma")
    grant = Grant.objects.get(
        status="active", application__association__memberships__user__email="president@demo.ma"
    )
    detail = client.get(reverse("grants:grant", args=[grant.pk]))
    report = grant.reports.get(kind="interim")

    assert detail.status_code == 200
    assert grant.reference in detail.content.decode()
    assert (
        client.get(reverse("grants:grant_convention", args=[grant.pk, "signe"])).status_code == 200
    )
    assert client.get(reverse("grants:grant_report", args=[grant.pk, report.pk])).status_code == 200
    assert client.get(reverse("grants:grants")).status_code == 404


def test_staff_follow_the_seeded_grant_to_closure_and_the_association_sends_its_reports(client):
    """The issue's walk-through on ``make demo``'s data, through the pages."""
    from django.utils import timezone

    from grants.models import Grant

    staff = User.objects.get(email="staff@demo.ma")
    president = User.objects.get(email="president@demo.ma")
    grant = Grant.objects.get(
        status="active", application__association__memberships__user=president
    )
    domain = grant.application.call_domain.domain
    today = timezone.localdate().isoformat()

    def as_staff(name, *args, **data):
        client.force_login(staff)
        return client.post(reverse(name, args=[grant.pk, *args]), data)

    def report_sent(kind):
        report = grant.reports.get(kind=kind)
        client.force_login(president)
        fields = {"activities_done": f"Rapport {kind} : ateliers tenus."}
        for public in domain.target_publics.all():
            fields |= {f"women_{public.pk}": "30", f"men_{public.pk}": "20"}
        client.post(reverse("grants:grant_report", args=[grant.pk, report.pk]), fields)
        report.refresh_from_db()
        assert report.status == "submitted", report.status
        as_staff("grants:report_review", report.pk, decision="accept", comment="")

    for tranche in grant.tranches.order_by("order"):
        if tranche.condition == "interim_report":
            report_sent("interim")
        as_staff("grants:tranche_release", tranche.pk)
        as_staff("grants:tranche_pay", tranche.pk, paid_on=today, reference=f"OV-{tranche.order}")
    report_sent("final")
    as_staff("grants:grant_action", action="close")

    grant.refresh_from_db()
    assert (grant.status, grant.paid_amount) == ("closed", grant.amount)
    assert set(grant.reports.values_list("status", flat=True)) == {"accepted"}
