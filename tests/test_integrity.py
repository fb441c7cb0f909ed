"""Integrity signals: each raised on a constructed case and not on a close non-case; computed in
a job on submission, on a RIB change and every night; idempotent, keeping staff's decisions."""

import datetime as dt
import secrets
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import Application, AuditRecommendation, CoFunder, Grant
from grants.services import followup as followup_services
from integrity import similarity
from integrity.models import Signal
from integrity.services import SignalError, compute_signals, dismiss, keep
from integrity.tasks import recompute_all_signals
from portal.workflow import history
from tests.apply_helpers import ready_application
from tests.factories import (
    ApplicationFactory,
    AssociationFactory,
    AuditRecommendationFactory,
    CallDomainFactory,
    CallFactory,
    GrantFactory,
    GrantReportFactory,
    MembershipFactory,
    UserFactory,
)
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

SUBMITTED = Application.Status.SUBMITTED
RIB = "011780000012345678901296"
PROJECT = {
    "title": "Centre d'écoute pour femmes victimes de violence à Khénifra",
    "summary": "Un centre d'écoute, d'orientation juridique et d'accompagnement psychologique "
    "pour les femmes victimes de violence dans la province de Khénifra.",
    "objectives": "Accueillir 300 femmes par an ; réduire les délais de prise en charge ; "
    "former douze écoutantes bénévoles.",
    "activities": "Permanences d'écoute quotidiennes, ateliers juridiques mensuels, "
    "orientation vers les services de santé et de justice, campagnes de sensibilisation.",
}
# The same project with a few words changed: still above the threshold.
NEAR = {
    **PROJECT,
    "title": "Centre d'écoute pour les femmes victimes de violence à Khénifra",
    "objectives": "Accueillir 300 femmes chaque année ; réduire les délais de prise en charge ; "
    "former douze écoutantes bénévoles.",
}
# Another project of the same domain, place and public: well below the threshold.
OTHER = {
    "title": "Centre d'écoute pour femmes à Khénifra",
    "summary": "Alphabétisation fonctionnelle et formation aux métiers de la couture pour les "
    "femmes rurales de la province.",
    "objectives": "Former 80 femmes ; créer une coopérative.",
    "activities": "Cours du soir, ateliers de couture, accompagnement à la création "
    "d'activités génératrices de revenus.",
}


def kinds(application) -> list[tuple[str, str]]:
    return sorted(Signal.objects.filter(application=application).values_list("kind", "key"))


@pytest.fixture
def call_domain():
    return CallDomainFactory(call=CallFactory(year=2026, edition="2026"))


def earlier(call_domain, year):
    """The same domain in a call of ``year``."""
    call = CallFactory(year=year, edition=str(year), programme=call_domain.call.programme)
    return CallDomainFactory(call=call, domain=call_domain.domain)


def unique_text() -> dict:
    """A project text unlike any other (random words)."""
    return {
        field: " ".join(secrets.token_hex(4) for _ in range(8))
        for field in ("title", "summary", "objectives", "activities")
    }


def unique_rib() -> str:
    return f"{secrets.randbelow(10**24):024d}"


def submitted(call_domain, **kwargs):
    """A sent application whose association's RIB and project text are its own, unless
    given."""
    fields = {"status": SUBMITTED, "call_domain": call_domain, **unique_text(), **kwargs}
    fields.setdefault("association", AssociationFactory(rib=unique_rib()))
    return ApplicationFactory(**fields)


# --- the same RIB ------------------------------------------------------------------------------


def test_a_rib_registered_for_another_association_is_a_signal(call_domain):
    application = submitted(call_domain, association=AssociationFactory(rib=RIB))
    other = AssociationFactory(rib=RIB)

    compute_signals(application)

    signal = Signal.objects.get(application=application)
    assert (signal.kind, signal.related_association, signal.evidence["rib"]) == (
        "shared_rib",
        other,
        RIB,
    )
    assert signal.status == Signal.Status.OPEN


def test_a_rib_differing_by_its_key_digit_is_not_a_signal(call_domain):
    application = submitted(call_domain, association=AssociationFactory(rib=RIB))
    AssociationFactory(rib=RIB[:-1] + "7")

    compute_signals(application)

    assert kinds(application) == []


# --- the same person ---------------------------------------------------------------------------


def test_a_bureau_member_of_another_applicant_association_is_a_signal(call_domain):
    person = UserFactory(email="Fatima.Zahra@example.ma")
    application = submitted(call_domain)
    MembershipFactory(user=person, association=application.association, role="treasurer")
    rival = submitted(CallDomainFactory(call=call_domain.call))
    MembershipFactory(user=person, association=rival.association, role="president")

    compute_signals(application)

    assert kinds(application) == [
        ("shared_person", f"fatima.zahra@example.ma:{rival.association_id}")
    ]
    assert Signal.objects.get(application=application).evidence["role_there"] == "Président(e)"


@pytest.mark.parametrize("case", ["plain_member_there", "other_call", "draft_there"])
def test_no_person_signal_outside_the_bureau_or_the_call(call_domain, case):
    person = UserFactory()
    application = submitted(call_domain)
    MembershipFactory(user=person, association=application.association, role="president")
    call = CallFactory(year=2025) if case == "other_call" else call_domain.call
    status = Application.Status.DRAFT if case == "draft_there" else SUBMITTED
    rival = submitted(CallDomainFactory(call=call), status=status)
    role = "member" if case == "plain_member_there" else "secretary"
    MembershipFactory(user=person, association=rival.association, role=role)

    compute_signals(application)

    assert kinds(application) == []


# --- near-identical projects -------------------------------------------------------------------


def test_trigram_similarity_is_pg_trgms():
    assert similarity.similarity("word", "two words") == pytest.approx(4 / 11, abs=1e-4)
    assert similarity.similarity("", "word") == 0.0
    assert similarity.similarity("Même TEXTE", "même texte") == 1.0


def test_a_nearly_identical_project_of_another_association_is_a_signal(call_domain):
    before = submitted(earlier(call_domain, 2024), **PROJECT)
    application = submitted(call_domain, **NEAR)

    compute_signals(application)

    signal = Signal.objects.get(application=application)
    assert (signal.kind, signal.related_application) == ("similar_text", before)
    assert 0.8 <= signal.similarity < 1
    assert signal.evidence["other_text"] == similarity.project_text(before)


def test_a_text_below_the_threshold_is_not_a_signal(call_domain):
    submitted(call_domain, **OTHER)
    application = submitted(call_domain, **PROJECT)
    assert (
        0.3
        < similarity.similarity(similarity.project_text(application), "\n".join(OTHER.values()))
        < 0.8
    )

    compute_signals(application)

    assert kinds(application) == []


def test_the_threshold_is_a_setting(call_domain, settings):
    settings.INTEGRITY_SIMILARITY_THRESHOLD = 0.3
    other = submitted(call_domain, **OTHER)
    application = submitted(call_domain, **PROJECT)

    compute_signals(application)

    assert kinds(application) == [("similar_text", str(other.pk))]


def test_the_same_associations_project_counts_only_when_funded(call_domain):
    association = AssociationFactory()
    rejected = submitted(
        earlier(call_domain, 2024),
        association=association,
        status=Application.Status.REJECTED,
        **PROJECT,
    )
    application = submitted(call_domain, association=association, **NEAR)
    compute_signals(application)
    assert kinds(application) == []

    funded = GrantFactory(
        application__association=association,
        application__call_domain=earlier(call_domain, 2025),
        application__status=Application.Status.APPROVED,
        **{f"application__{k}": v for k, v in PROJECT.items()},
    ).application
    compute_signals(application)
    assert kinds(application) == [("similar_text", str(funded.pk))]
    assert rejected.pk != funded.pk


def test_a_later_call_is_not_compared(call_domain):
    submitted(earlier(call_domain, 2027), **PROJECT)
    application = submitted(call_domain, **NEAR)

    compute_signals(application)

    assert kinds(application) == []


# --- unfinished obligations --------------------------------------------------------------------


def earlier_grant(association, **kwargs):
    return GrantFactory(
        application__association=association,
        application__call_domain=CallDomainFactory(call=CallFactory(year=2024)),
        **{f"application__{k}": v for k, v in unique_text().items()},
        **kwargs,
    )


def test_unfinished_obligations_on_an_earlier_grant_are_signals(call_domain):
    application = submitted(call_domain, **PROJECT)
    today = timezone.localdate()
    overdue = GrantReportFactory(
        grant=earlier_grant(application.association), due_on=today - dt.timedelta(days=1)
    )
    recommendation = AuditRecommendationFactory(audit__grant=earlier_grant(application.association))
    suspended = earlier_grant(application.association, status=Grant.Status.SUSPENDED)
    reimburse = earlier_grant(
        application.association,
        paid_amount=Decimal("50000"),
        reimbursement_amount=Decimal("1200.50"),
        status=Grant.Status.CLOSED,
    )

    compute_signals(application)

    assert kinds(application) == sorted(
        [
            ("unfinished_obligations", f"recommendation:{recommendation.pk}"),
            ("unfinished_obligations", f"reimburse:{reimburse.pk}"),
            ("unfinished_obligations", f"report:{overdue.pk}"),
            ("unfinished_obligations", f"suspended:{suspended.pk}"),
        ]
    )


def test_obligations_met_or_not_yet_due_are_not_signals(call_domain):
    application = submitted(call_domain, **PROJECT)
    today = timezone.localdate()
    GrantReportFactory(grant=earlier_grant(application.association), due_on=today)
    AuditRecommendationFactory(
        audit__grant=earlier_grant(application.association),
        status=AuditRecommendation.Status.CLOSED,
    )
    earlier_grant(application.association, paid_amount=Decimal("50000"))
    # another association's overdue report
    GrantReportFactory(
        grant=earlier_grant(AssociationFactory(rib=unique_rib())),
        due_on=today - dt.timedelta(days=5),
    )

    compute_signals(application)

    assert kinds(application) == []


# --- double funding ----------------------------------------------------------------------------


def test_the_same_cofunder_for_the_same_funded_project_is_double_funding(call_domain):
    grant = GrantFactory(
        application__call_domain=earlier(call_domain, 2025),
        application__association=AssociationFactory(rib=unique_rib()),
        **{f"application__{k}": v for k, v in PROJECT.items()},
    )
    CoFunder.objects.create(
        application=grant.application, name="Fondation Zakoura", amount=Decimal("40000")
    )
    application = submitted(call_domain, **NEAR)
    CoFunder.objects.create(
        application=application, name="  fondation ZAKOURA.", amount=Decimal("40000")
    )

    compute_signals(application)

    assert kinds(application) == [
        ("double_funding", f"{grant.application_id}:fondation zakoura"),
        ("similar_text", str(grant.application_id)),
    ]
    signal = Signal.objects.get(application=application, kind="double_funding")
    assert (signal.related_grant, signal.evidence["cofunder"]) == (grant, "  fondation ZAKOURA.")


@pytest.mark.parametrize("case", ["other_cofunder", "not_funded", "different_text"])
def test_no_double_funding_without_the_same_cofunder_text_and_funding(call_domain, case):
    other = submitted(
        earlier(call_domain, 2025),
        status=Application.Status.REJECTED if case == "not_funded" else Application.Status.APPROVED,
        **(OTHER if case == "different_text" else PROJECT),
    )
    name = "Fondation Drosos" if case == "other_cofunder" else "Fondation Zakoura"
    CoFunder.objects.create(application=other, name=name, amount=Decimal("40000"))
    application = submitted(call_domain, **NEAR)
    CoFunder.objects.create(application=application, name="Fondation Zakoura", amount=1)

    compute_signals(application)

    assert [k for k, _key in kinds(application) if k == "double_funding"] == []


# --- idempotence, decisions, jobs --------------------------------------------------------------


def test_recomputing_keeps_decisions_and_drops_what_no_longer_holds(
    call_domain, staff_user, django_capture_on_commit_callbacks
):
    association = AssociationFactory(rib=RIB)
    application = submitted(call_domain, association=association)
    first, second = AssociationFactory(rib=RIB), AssociationFactory(rib=RIB)
    assert first.pk != second.pk
    compute_signals(application)
    kept = Signal.objects.get(application=application, related_association=first)
    keep(kept, by=staff_user, reason="Vérifier auprès de la banque.")

    compute_signals(application)
    assert Signal.objects.get(pk=kept.pk).status == Signal.Status.KEPT
    assert Signal.objects.filter(application=application).count() == 2

    second.rib = RIB[:-1] + "7"
    with django_capture_on_commit_callbacks(execute=True):
        second.save()  # the job recomputes
    assert list(Signal.objects.filter(application=application)) == [kept]


def test_a_dismissal_needs_a_reason_recorded_in_the_history(call_domain, staff_user):
    application = submitted(call_domain, association=AssociationFactory(rib=RIB))
    AssociationFactory(rib=RIB)
    compute_signals(application)
    signal = Signal.objects.get(application=application)

    with pytest.raises(SignalError):
        dismiss(signal, by=staff_user, reason="  ")
    dismiss(signal, by=staff_user, reason="Compte de la fédération, partagé légalement.")

    signal.refresh_from_db()
    assert signal.status == Signal.Status.DISMISSED
    assert [(h.to_state, h.reason) for h in history(signal)][-1] == (
        "dismissed",
        "Compte de la fédération, partagé légalement.",
    )


def test_signals_are_computed_when_an_application_is_submitted(
    client, django_capture_on_commit_callbacks
):
    _user, application = ready_application(client)
    AssociationFactory(rib=application.association.rib)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:apply_submit", args=[application.pk]))

    assert response.status_code == 302
    assert [k for k, _key in kinds(application)] == ["shared_rib"]


def test_a_rib_change_recomputes_the_signals(call_domain, django_capture_on_commit_callbacks):
    application = submitted(call_domain, association=AssociationFactory(rib=RIB))
    other = AssociationFactory(rib=RIB[:-1] + "7")
    compute_signals(application)
    assert kinds(application) == []

    other.rib = RIB
    with django_capture_on_commit_callbacks(execute=True):
        other.save()

    assert kinds(application) == [("shared_rib", str(other.pk))]


def test_suspending_an_earlier_grant_recomputes_the_signals(
    call_domain, staff_user, django_capture_on_commit_callbacks
):
    application = submitted(call_domain, **PROJECT)
    grant = earlier_grant(application.association, status=Grant.Status.ACTIVE)
    compute_signals(application)
    assert kinds(application) == []

    with django_capture_on_commit_callbacks(execute=True):
        followup_services.suspend(grant, reason="Audit en cours", by=staff_user)

    assert kinds(application) == [("unfinished_obligations", f"suspended:{grant.pk}")]


def test_a_recommendation_made_on_an_earlier_grant_recomputes_the_signals(
    call_domain, django_capture_on_commit_callbacks
):
    application = submitted(call_domain, **PROJECT)
    grant = earlier_grant(application.association, status=Grant.Status.ACTIVE)
    compute_signals(application)

    with django_capture_on_commit_callbacks(execute=True):
        recommendation = AuditRecommendationFactory(audit__grant=grant)

    assert kinds(application) == [("unfinished_obligations", f"recommendation:{recommendation.pk}")]


def test_the_nightly_job_finds_reports_become_overdue(call_domain):
    application = submitted(call_domain, **PROJECT)
    report = GrantReportFactory(
        grant=earlier_grant(application.association),
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )

    assert recompute_all_signals() >= 1

    assert kinds(application) == [("unfinished_obligations", f"report:{report.pk}")]


def test_drafts_have_no_signals(call_domain):
    application = submitted(
        call_domain, association=AssociationFactory(rib=RIB), status=Application.Status.DRAFT
    )
    AssociationFactory(rib=RIB)

    assert compute_signals(application) == []
    assert kinds(application) == []


# --- the instruction page ----------------------------------------------------------------------


@pytest.fixture
def near_duplicate(call_domain):
    before = submitted(
        earlier(call_domain, 2024), **{**PROJECT, "title": PROJECT["title"] + " <b>"}
    )
    application = submitted(call_domain, **NEAR)
    compute_signals(application)
    return application, before


def test_staff_see_the_signal_with_both_texts_and_the_differences(
    client, staff_user, near_duplicate
):
    application, before = near_duplicate
    client.force_login(staff_user)

    response = client.get(reverse("grants:instruction", args=[application.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Projet presque identique à une autre candidature" in html
    assert reverse("grants:instruction", args=[before.pk]) in html
    assert '<mark class="diff-ins">' in html
    assert '<mark class="diff-del">' in html
    assert "&lt;b&gt;" in html
    assert "<b>" not in html.split("integrity-signals")[1]


def test_staff_dismiss_with_a_reason_and_the_committee_reads_it(
    client, staff_user, committee_member, near_duplicate
):
    application, _before = near_duplicate
    signal = Signal.objects.get(application=application)
    client.force_login(staff_user)

    refused = client.post(reverse("integrity:dismiss", args=[signal.pk]), {"reason": ""})
    signal.refresh_from_db()
    assert (refused.status_code, signal.status) == (302, Signal.Status.OPEN)

    client.post(
        reverse("integrity:dismiss", args=[signal.pk]),
        {"reason": "Suite du même projet, financé en 2024, déclarée."},
    )
    signal.refresh_from_db()
    assert signal.status == Signal.Status.DISMISSED

    client.force_login(committee_member)
    html = client.get(reverse("grants:instruction", args=[application.pk])).content.decode()
    assert "Suite du même projet, financé en 2024, déclarée." in html
    assert "Écarté" in html
    assert reverse("integrity:keep", args=[signal.pk]) not in html  # only staff decide
    assert (
        client.post(reverse("integrity:keep", args=[signal.pk]), {"reason": ""}).status_code == 404
    )


def test_an_association_never_sees_signals(client, near_duplicate):
    application, before = near_duplicate
    signal = Signal.objects.get(application=application)
    for association in (application.association, before.association):
        president = MembershipFactory(association=association, role="president").user
        client.force_login(president)
        assert client.get(reverse("grants:instruction", args=[application.pk])).status_code == 404
        page = client.get(reverse("grants:application", args=[application.pk]))
        assert "Signaux d'intégrité" not in page.content.decode()
        assert (
            client.post(reverse("integrity:dismiss", args=[signal.pk]), {"reason": "x"}).status_code
            == 404
        )
    assert Signal.objects.get(pk=signal.pk).status == Signal.Status.OPEN


# --- the workspace and the ranking -------------------------------------------------------------


def flagged_applications(call_domain, count, **kwargs):
    """``count`` applications each with a signal (a RIB shared with another association)."""
    found = []
    for _ in range(count):
        rib = unique_rib()
        application = submitted(call_domain, association=AssociationFactory(rib=rib), **kwargs)
        AssociationFactory(rib=rib)
        compute_signals(application)
        found.append(application)
    return found


def test_the_workspace_filters_and_counts_applications_with_open_signals(
    client, staff_user, call_domain
):
    flagged, dismissed = flagged_applications(call_domain, 2)
    dismiss(Signal.objects.get(application=dismissed), by=staff_user, reason="Compte fédéral.")
    clean = submitted(call_domain)
    client.force_login(staff_user)
    url = reverse("grants:workspace", args=[call_domain.call_id])

    everything = client.get(url).content.decode()
    only = client.get(url, {"signals": "open"}).content.decode()

    assert "1 avec signaux d'intégrité" in everything
    assert reverse("grants:instruction", args=[clean.pk]) in everything
    assert reverse("grants:instruction", args=[flagged.pk]) in only
    assert reverse("grants:instruction", args=[dismissed.pk]) not in only
    assert reverse("grants:instruction", args=[clean.pk]) not in only


@pytest.mark.parametrize("page", ["workspace", "ranking"])
def test_the_lists_keep_their_query_counts_with_signals(
    client, staff_user, call_domain, page, settings
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(staff_user)
    url = reverse(f"grants:{page}", args=[call_domain.call_id])
    status = Application.Status.REVIEWED
    flagged_applications(call_domain, 1, status=status)
    few = page_queries(client, url)

    flagged_applications(call_domain, 3, status=status)
    submitted(call_domain, status=status)

    assert page_queries(client, url) == few


def test_the_ranking_marks_rows_with_open_signals(client, committee_member, call_domain):
    (flagged,) = flagged_applications(call_domain, 1, status=Application.Status.REVIEWED)
    clean = submitted(call_domain, status=Application.Status.REVIEWED)
    client.force_login(committee_member)

    html = client.get(reverse("grants:ranking", args=[call_domain.call_id])).content.decode()

    rows = {
        a.pk: html.split(reverse("grants:instruction", args=[a.pk]), 1)[1][:800]
        for a in (flagged, clean)
    }
    assert "1 signaux d'intégrité à examiner" in rows[flagged.pk]
    assert "integrity-mark" not in rows[clean.pk]


# --- the minutes -------------------------------------------------------------------------------


def test_the_minutes_list_the_signals_kept_for_approved_applications(
    call_domain, staff_user, committee_member
):
    from grants.minutes import minutes_pdf
    from grants.models import CommitteeMinutes
    from grants.services.evaluation import decide
    from tests.pdftext import pdf_text

    reviewed = {"status": Application.Status.REVIEWED, "score": Decimal("80")}
    approved, other_kept, rejected = flagged_applications(call_domain, 3, **reviewed)
    dismissed_one = flagged_applications(call_domain, 1, **reviewed)[0]
    for application, ref in zip(
        (approved, other_kept, rejected, dismissed_one),
        ("A-001", "A-002", "A-003", "A-004"),
        strict=True,
    ):
        Application.objects.filter(pk=application.pk).update(reference=ref, passes_grid=True)
        application.refresh_from_db()
    keep(Signal.objects.get(application=approved), by=staff_user, reason="RIB à vérifier.")
    keep(Signal.objects.get(application=rejected), by=staff_user, reason="Rejet motivé.")
    dismiss(Signal.objects.get(application=dismissed_one), by=staff_user, reason="Sans objet.")
    for application, outcome in (
        (approved, "approved"),
        (other_kept, "approved"),  # its signal is open, not kept
        (rejected, "rejected"),
        (dismissed_one, "approved"),
    ):
        decide(
            application, outcome=outcome, amount=Decimal("1000"), reason="x", by=committee_member
        )

    text = pdf_text(minutes_pdf(CommitteeMinutes.objects.get(call=call_domain.call)))

    assert "Signaux d'intégrité retenus pour les candidatures approuvées" in text
    assert "RIB à vérifier." in text
    assert "Rejet motivé." not in text
    assert "Sans objet." not in text
    listed = text.split("Signaux d'intégrité retenus")[1]
    assert "A-001" in listed
    assert "A-002" not in listed
    assert "A-004" not in listed


def test_on_postgresql_the_search_reads_the_trigram_index(call_domain):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): pg_trgm's index")
    before = submitted(earlier(call_domain, 2024), **PROJECT)
    application = submitted(call_domain, **NEAR)
    similarity.store_missing_texts()

    def scans() -> int:
        with connection.cursor() as cursor:
            # this transaction's scans of the index
            cursor.execute("SELECT pg_stat_get_xact_numscans('integrity_text_trgm'::regclass)")
            return cursor.fetchone()[0]

    used = scans()
    matches = similarity.similar_applications(application, Application.objects.all())

    # itself first (1.0), then the earlier project
    assert [m.application_id for m in matches] == [application.pk, before.pk]
    assert scans() == used + 1


def test_an_anonymised_application_leaves_no_copy_of_its_text(call_domain):
    from integrity.models import ProjectText
    from privacy.services import anonymise_application

    before = submitted(earlier(call_domain, 2024), **PROJECT)
    application = submitted(call_domain, **NEAR)
    compute_signals(application)
    assert Signal.objects.get(application=application).related_application == before

    anonymise_application(before, rule="unfunded_application")

    assert not ProjectText.objects.filter(application=before).exists()
    assert not Signal.objects.filter(related_application=before).exists()
    compute_signals(application)
    assert kinds(application) == []


def test_a_membership_added_recomputes_the_signals(call_domain, django_capture_on_commit_callbacks):
    person = UserFactory()
    application = submitted(call_domain)
    MembershipFactory(user=person, association=application.association, role="president")
    rival = submitted(CallDomainFactory(call=call_domain.call))
    compute_signals(application)
    assert kinds(application) == []

    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(user=person, association=rival.association, role="treasurer")

    assert [k for k, _key in kinds(application)] == ["shared_person"]
    assert [k for k, _key in kinds(rival)] == ["shared_person"]
