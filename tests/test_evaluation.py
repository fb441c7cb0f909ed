"""Staff evaluate and decide: admissibility, reviewers without conflicts, weighted scores,
consensus, ranking and decisions within the envelope, minutes."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calls.models import CallDomain
from grants import scoring
from grants.models import Application, CommitteeMinutes, Decision, Grant, ReviewAssignment
from grants.services import evaluation as services
from grants.services.evaluation import EvaluationError
from portal.roles import Role
from tests.factories import (
    ApplicationFactory,
    CallDomainFactory,
    CommuneFactory,
    CriterionFactory,
    MembershipFactory,
    user_with_role,
)
from tests.pages import page
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db

D = Decimal


# --- Scores on known values -----------------------------------------------------------------

GRID = [
    scoring.GridCriterion(1, D(40), D(10), D(4)),  # relevance
    scoring.GridCriterion(2, D(60), D(20), D(0)),  # feasibility
]


def test_a_reviews_total_is_weighted_on_100():
    # 40 × 8/10 + 60 × 15/20 = 32 + 45 = 77
    assert scoring.review_total(GRID, {1: D(8), 2: D(15)}) == D("77.00")


def test_the_application_score_is_the_mean_of_complete_reviews():
    result = scoring.application_result(
        GRID,
        [{1: D(8), 2: D(15)}, {1: D(6), 2: D(17)}, {1: D(9)}],  # the third is incomplete
        threshold=D(50),
        gap=D(20),
    )
    # second review: 40 × 0.6 + 60 × 0.85 = 24 + 51 = 75; mean (77 + 75) / 2 = 76
    assert result.score == D("76.00")
    assert result.passes is True
    assert result.needs_consensus is False
    assert result.criterion_means == {1: D("7.00"), 2: D("16.00")}


def test_a_criterion_under_its_pass_mark_fails_the_grid_whatever_the_total():
    result = scoring.application_result(GRID, [{1: D(3), 2: D(20)}], threshold=D(50), gap=D(20))

    assert result.score == D("72.00")  # 12 + 60
    assert result.passes is False
    assert result.failed_criteria == (1,)


def test_a_total_under_the_threshold_fails():
    result = scoring.application_result(GRID, [{1: D(5), 2: D(8)}], threshold=D(50), gap=D(20))

    assert result.score == D("44.00")  # 20 + 24
    assert result.passes is False


def test_reviewers_further_apart_than_the_gap_need_a_consensus_which_then_counts():
    reviews = [{1: D(10), 2: D(20)}, {1: D(4), 2: D(6)}]  # 100 and 34
    disagree = scoring.application_result(GRID, reviews, threshold=D(50), gap=D(20))
    agreed = scoring.application_result(
        GRID, reviews, threshold=D(50), gap=D(20), consensus=D("70")
    )

    assert (disagree.score, disagree.needs_consensus) == (D("67.00"), True)
    assert (agreed.score, agreed.needs_consensus, agreed.passes) == (D("70.00"), False, True)


# --- A call under evaluation ----------------------------------------------------------------


@pytest.fixture
def line():
    """A domain with a 300 000 DH envelope and a 200 000 DH cap, and a two-criterion grid."""
    line = CallDomainFactory(envelope=D("300000"), max_grant=D("200000"))
    CriterionFactory(call=line.call, weight=D(40), max_score=D(10), pass_mark=D(4))
    CriterionFactory(call=line.call, weight=D(60), max_score=D(20), pass_mark=D(0))
    return line


NUMBERS = itertools.count(1)


def _submitted(line, n=1, **kwargs):
    return [
        ApplicationFactory(
            call_domain=line,
            status="submitted",
            reference=f"AAP-2026-T-{next(NUMBERS):05d}",
            submitted_at=timezone.now(),
            **kwargs,
        )
        for _ in range(n)
    ]


def _reviewed(line, score_sets, requested=None):
    """An application reviewed with the given {criterion order: score} per reviewer."""
    (application,) = _submitted(line, requested_amount=requested or D("150000"))
    staff = user_with_role(Role.STAFF)
    services.declare_admissible(application, by=staff)
    criteria = list(line.call.criteria.order_by("order"))
    for scores in score_sets:
        reviewer = user_with_role(Role.REVIEWER)
        assignment = services.assign(application, reviewer, by=staff)
        services.declare_no_conflict(assignment)
        services.save_review(
            assignment,
            values={c.pk: (D(scores[i]), "") for i, c in enumerate(criteria)},
            comment="",
            submit=True,
        )
    application.refresh_from_db()
    return application


def test_reviews_in_make_the_application_reviewed_with_its_score(line):
    application = _reviewed(line, [(8, 15), (6, 17)])

    assert application.status == "reviewed"
    assert application.score == D("76.00")
    assert application.passes_grid is True


def test_disagreeing_reviewers_block_the_decision_until_a_consensus(line, staff_user):
    application = _reviewed(line, [(10, 20), (4, 6)])
    committee = user_with_role(Role.COMMITTEE)

    with pytest.raises(EvaluationError, match="consensus"):
        services.decide(application, outcome="approved", amount=D(100000), reason="", by=committee)
    services.record_consensus(application, score=D(70), comment="Accord en réunion.", by=staff_user)
    services.decide(application, outcome="approved", amount=D(100000), reason="", by=committee)

    application.refresh_from_db()
    assert (application.score, application.status) == (D("70.00"), "approved")


# --- Admissibility --------------------------------------------------------------------------


def test_staff_declare_admissible_or_inadmissible_with_reasons_and_the_association_is_told(
    client, staff_user, line, django_capture_on_commit_callbacks
):
    first, second = _submitted(line, 2)
    MembershipFactory(association=second.association)
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grants:admissibility", args=[first.pk]), {"action": "admissible"})
        client.post(
            reverse("grants:admissibility", args=[second.pk]),
            {"action": "inadmissible", "reason": "Statuts non signés."},
        )
    refused = client.post(
        reverse("grants:admissibility", args=[first.pk]), {"action": "inadmissible", "reason": ""}
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("admissible", "inadmissible")
    assert second.inadmissibility_reason == "Statuts non signés."
    assert any("Statuts non signés." in m.body for m in mail.outbox)
    assert refused.status_code == 302
    assert first.status_history.last().to_state == "admissible"


def test_an_unanswered_request_for_complements_makes_the_application_inadmissible(staff_user, line):
    (application,) = _submitted(line)
    due = timezone.now() + dt.timedelta(days=2)
    services.request_complements(application, by=staff_user, message="PV manquant", due_at=due)

    assert services.expire_complements(now=due - dt.timedelta(seconds=1)) == 0
    assert services.expire_complements(now=due + dt.timedelta(seconds=1)) == 1

    application.refresh_from_db()
    assert application.status == "inadmissible"
    assert "n'ont pas été envoyés" in application.inadmissibility_reason


def test_the_checklist_shows_missing_documents(client, staff_user, line):
    from tests.factories import RequiredDocumentFactory

    RequiredDocumentFactory(call=line.call, name_fr="Budget détaillé")
    (application,) = _submitted(line)
    client.force_login(staff_user)

    text = page(client.get(reverse("grants:instruction", args=[application.pk])))

    assert "Budget détaillé" in text


# --- Reviewers and conflicts ----------------------------------------------------------------


def test_automatic_assignment_skips_conflicted_reviewers_and_balances_load(line, staff_user):
    line.call.reviewers_per_application = 2
    line.call.save()
    applications = _submitted(line, 7)
    for application in applications:
        services.declare_admissible(application, by=staff_user)
    reviewers = [user_with_role(Role.REVIEWER) for _ in range(4)]
    MembershipFactory(user=reviewers[0], association=applications[0].association, role="member")
    reviewers[1].commune = applications[1].association.commune
    reviewers[1].save()

    made = services.auto_assign(line.call, by=staff_user)

    assert made == 14
    pairs = set(ReviewAssignment.objects.values_list("application_id", "reviewer_id"))
    assert (applications[0].pk, reviewers[0].pk) not in pairs
    assert (applications[1].pk, reviewers[1].pk) not in pairs
    loads = [ReviewAssignment.objects.filter(reviewer=r).count() for r in reviewers]
    assert max(loads) - min(loads) <= 1
    assert set(Application.objects.values_list("status", flat=True)) == {"under_review"}
    assert services.auto_assign(line.call, by=staff_user) == 0  # nothing twice


def test_a_conflicted_reviewer_is_never_assigned_by_hand(line, staff_user):
    (application,) = _submitted(line)
    services.declare_admissible(application, by=staff_user)
    reviewer = user_with_role(Role.REVIEWER, commune=CommuneFactory())
    application.association.commune = reviewer.commune
    application.association.save()

    with pytest.raises(EvaluationError, match="même commune"):
        services.assign(application, reviewer, by=staff_user)


def test_a_reviewer_declares_a_conflict_before_seeing_the_content_and_cannot_open_it(
    client, line, staff_user
):
    (application,) = _submitted(line, title="Projet confidentiel")
    services.declare_admissible(application, by=staff_user)
    reviewer = user_with_role(Role.REVIEWER)
    assignment = services.assign(application, reviewer, by=staff_user)
    client.force_login(reviewer)
    url = reverse("grants:review", args=[assignment.pk])

    before = page(client.get(url))
    client.post(url, {"action": "conflict", "reason": "Mon frère préside l'association."})
    after = client.get(url)

    assert "Projet confidentiel" not in before
    assert "Déclaration d'intérêts" in before
    assert after.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "conflict"


def test_a_reviewer_scores_and_does_not_see_the_others_scores(client, line, staff_user):
    (application,) = _submitted(line)
    services.declare_admissible(application, by=staff_user)
    first, second = user_with_role(Role.REVIEWER), user_with_role(Role.REVIEWER)
    a1 = services.assign(application, first, by=staff_user)
    a2 = services.assign(application, second, by=staff_user)
    criteria = list(line.call.criteria.order_by("order"))
    client.force_login(first)
    client.post(
        reverse("grants:review", args=[a1.pk]),
        {"action": "no_conflict", "declaration": "no_conflict"},
    )
    client.post(
        reverse("grants:review", args=[a1.pk]),
        {
            f"score_{criteria[0].pk}": "8",
            f"score_{criteria[1].pk}": "17.5",
            "comment": "Solide, note-unique-xyz",
            "submit": "1",
        },
    )
    client.force_login(second)
    client.post(
        reverse("grants:review", args=[a2.pk]),
        {"action": "no_conflict", "declaration": "no_conflict"},
    )
    second_page = page(client.get(reverse("grants:review", args=[a2.pk])))
    too_high = client.post(
        reverse("grants:review", args=[a2.pk]),
        {f"score_{criteria[0].pk}": "11", f"score_{criteria[1].pk}": "10", "submit": "1"},
    )

    a1.refresh_from_db()
    assert a1.status == "submitted"
    assert "note-unique-xyz" not in second_page
    assert "17,5" not in second_page
    assert "17.5" not in second_page
    assert too_high.status_code == 200
    a2.refresh_from_db()
    assert a2.status == "in_progress"


# --- Decisions within the envelope ----------------------------------------------------------


def test_an_approval_respects_requested_cap_and_envelope(line):
    committee = user_with_role(Role.COMMITTEE)
    first = _reviewed(line, [(8, 15)], requested=D("200000"))
    second = _reviewed(line, [(7, 14)], requested=D("150000"))

    with pytest.raises(EvaluationError, match="montant demandé"):
        services.decide(first, outcome="approved", amount=D("200000.01"), reason="", by=committee)
    services.decide(first, outcome="approved", amount=D("200000"), reason="", by=committee)
    with pytest.raises(EvaluationError, match=r"100.000 DH"):
        services.decide(second, outcome="approved", amount=D("150000"), reason="", by=committee)
    services.decide(second, outcome="waitlisted", amount=None, reason="", by=committee)

    line.refresh_from_db()
    assert line.committed == D("200000")
    second.refresh_from_db()
    assert second.status == "waitlisted"


def test_changing_an_approval_gives_the_money_back_to_the_envelope(line):
    committee = user_with_role(Role.COMMITTEE)
    application = _reviewed(line, [(8, 15)])
    services.decide(application, outcome="approved", amount=D("150000"), reason="", by=committee)

    services.decide(application, outcome="rejected", amount=None, reason="Doublon.", by=committee)

    line.refresh_from_db()
    application.refresh_from_db()
    assert line.committed == 0
    assert application.status == "rejected"
    assert [c.to_state for c in application.status_history][-3:] == [
        "approved",
        "reviewed",
        "rejected",
    ]


def test_closed_minutes_freeze_decisions_until_an_explicit_reopening(
    line, staff_user, django_capture_on_commit_callbacks
):
    from conventions.models import Convention

    committee = user_with_role(Role.COMMITTEE)
    application = _reviewed(line, [(8, 15)])
    services.decide(application, outcome="approved", amount=D("120000"), reason="", by=committee)
    minutes = CommitteeMinutes.objects.get(call=line.call)

    with django_capture_on_commit_callbacks(execute=True):
        services.close_minutes(minutes, by=staff_user)  # the grant and its draft convention
    assert Convention.objects.filter(grant__application=application).exists()
    with pytest.raises(EvaluationError, match="clos"):
        services.decide(application, outcome="rejected", amount=None, reason="x", by=committee)
    with pytest.raises(EvaluationError):
        services.reopen_minutes(minutes, by=staff_user, reason=" ")
    services.reopen_minutes(minutes, by=staff_user, reason="Erreur de saisie du montant.")
    services.decide(application, outcome="approved", amount=D("100000"), reason="", by=committee)

    grant = Grant.objects.filter(application=application).first()
    assert grant is None  # the grant of the first sign-off went with the changed amount
    assert not Convention.objects.filter(reference__contains=application.reference[4:]).exists()
    minutes.refresh_from_db()
    assert minutes.status_history.last().reason == "Erreur de saisie du montant."
    services.close_minutes(minutes, by=staff_user)
    assert Grant.objects.get(application=application).amount == D("100000")


def test_the_minutes_pdf_lists_the_approved_amounts_and_totals(client, line, staff_user):
    committee = user_with_role(Role.COMMITTEE)
    first = _reviewed(line, [(8, 15)], requested=D("120000"))
    second = _reviewed(line, [(9, 18)], requested=D("95000.50"))
    services.decide(first, outcome="approved", amount=D("120000"), reason="", by=committee)
    services.decide(second, outcome="approved", amount=D("95000.50"), reason="", by=committee)
    minutes = CommitteeMinutes.objects.get(call=line.call)
    services.close_minutes(minutes, by=staff_user)
    client.force_login(staff_user)

    response = client.get(reverse("grants:minutes_pdf", args=[minutes.pk]))

    text = pdf_text(b"".join(response.streaming_content))
    assert first.reference.split("-", 2)[-1] in text  # the cell may wrap after "AAP-2026-"
    assert "120 000" in text
    assert "95 000,50" in text
    assert "215 000,50" in text  # the domain's and the call's total
    assert Grant.objects.filter(application__in=[first, second]).count() == 2


def test_bulk_decisions_stop_at_the_envelope(client, line):
    committee = user_with_role(Role.COMMITTEE)
    applications = [_reviewed(line, [(8, 15)], requested=D("140000")) for _ in range(3)]
    client.force_login(committee)

    client.post(
        reverse("grants:decide_bulk", args=[line.call_id]),
        {"outcome": "approved", "applications": [a.pk for a in applications]},
    )

    line.refresh_from_db()
    assert line.committed == D("280000")
    assert Decision.objects.filter(outcome="approved").count() == 2
    assert sorted(Application.objects.values_list("status", flat=True)) == [
        "approved",
        "approved",
        "reviewed",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_committee_members_approving_at_the_same_moment_never_exceed_the_envelope():
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite has no row locks")
    line = CallDomainFactory(envelope=D("300000"), max_grant=D("200000"))
    CriterionFactory(call=line.call, weight=D(100), max_score=D(10), pass_mark=D(0))
    applications = [_reviewed(line, [(8,)], requested=D("200000")) for _ in range(2)]
    members = [user_with_role(Role.COMMITTEE) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(application, member):
        try:
            barrier.wait()
            services.decide(
                application, outcome="approved", amount=D("200000"), reason="", by=member
            )
            outcomes.append("approved")
        except EvaluationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=pair)
        for pair in zip(applications, members, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    line.refresh_from_db()
    assert sorted(outcomes) == ["approved", "refused"]
    assert line.committed == D("200000")
    assert CallDomain.objects.get(pk=line.pk).remaining == D("100000")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_first_decisions_in_two_domains_at_the_same_moment_open_one_minutes_and_lose_none():
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite has no row locks")
    first = CallDomainFactory(envelope=D("300000"), max_grant=D("200000"))
    second = CallDomainFactory(call=first.call, envelope=D("300000"), max_grant=D("200000"))
    CriterionFactory(call=first.call, weight=D(40), max_score=D(10), pass_mark=D(4))
    CriterionFactory(call=first.call, weight=D(60), max_score=D(20), pass_mark=D(0))
    applications = [
        _reviewed(line, [(8, 15)], requested=D("50000"))
        for line in (first, second)
        for _ in range(3)
    ]
    members = [user_with_role(Role.COMMITTEE) for _ in applications]
    assert not CommitteeMinutes.objects.filter(call=first.call).exists()
    barrier = threading.Barrier(len(applications))
    errors = []

    def approve(application, member):
        try:
            barrier.wait()
            services.decide(
                application, outcome="approved", amount=D("50000"), reason="", by=member
            )
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=pair)
        for pair in zip(applications, members, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    minutes = CommitteeMinutes.objects.get(call=first.call)
    decisions = Decision.objects.filter(application__in=applications)
    assert decisions.count() == 6
    assert set(decisions.values_list("minutes_id", flat=True)) == {minutes.pk}
    assert set(
        Application.objects.filter(pk__in=[a.pk for a in applications]).values_list(
            "status", flat=True
        )
    ) == {"approved"}
    assert [CallDomain.objects.get(pk=line.pk).committed for line in (first, second)] == [
        D("150000"),
        D("150000"),
    ]


def test_an_approved_application_becomes_a_grant_followed_to_closure(
    line, staff_user, django_capture_on_commit_callbacks
):
    from conventions.models import Convention
    from grants.services import followup
    from tests.apply_helpers import pdf_upload
    from tests.followup_helpers import accept_report

    committee = user_with_role(Role.COMMITTEE)
    application = _reviewed(line, [(8, 15)], requested=D("120000"))
    services.decide(application, outcome="approved", amount=D("100000"), reason="", by=committee)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_minutes(CommitteeMinutes.objects.get(call=line.call), by=staff_user)
    grant = Grant.objects.get(application=application)
    assert (grant.amount, grant.status) == (D("100000"), "pending_signature")
    assert Convention.objects.get(grant=grant).generated_pdf  # prepared after the commit
    assert [t.amount for t in grant.tranches.order_by("order")] == [D("60000"), D("40000")]

    followup.sign(grant, signed_on=timezone.localdate(), scan=pdf_upload(), by=staff_user)
    for tranche in grant.tranches.order_by("order"):
        if tranche.condition == "interim_report":
            accept_report(grant.reports.get(kind="interim"), staff_user)
        followup.release(tranche, by=staff_user)
        followup.pay(
            tranche, paid_on=timezone.localdate(), reference=f"OV-{tranche.order}", by=staff_user
        )
    accept_report(grant.reports.get(kind="final"), staff_user)
    followup.close(grant, by=staff_user)

    grant.refresh_from_db()
    assert (grant.status, grant.paid_amount) == ("closed", D("100000"))
    assert [c.to_state for c in grant.status_history] == ["pending_signature", "active", "closed"]
