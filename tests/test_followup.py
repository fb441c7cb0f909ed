"""Funded projects: convention, tranches and payments, reports, visits, audits, closure."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conventions.models import Convention
from grants.conventions import amount_in_words
from grants.models import Grant, GrantReport, Tranche
from grants.services import followup as services
from grants.services.followup import FollowUpError
from portal.roles import Role
from tests.apply_helpers import pdf_upload
from tests.factories import (
    BudgetLineFactory,
    GrantFactory,
    MembershipFactory,
    TrancheRuleFactory,
    user_with_role,
)
from tests.followup_helpers import accept_report
from tests.pages import page, visible_text
from tests.pdftext import contains_arabic, pdf_text
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def grant():
    """An approved grant of 150 000,50 DH, awaiting signature, prepared by the service."""
    grant = GrantFactory(
        amount=D("150000.50"), status="pending_signature", reference="SUB-2026-VIO-00001"
    )
    call = grant.application.call
    TrancheRuleFactory(call=call, order=1, percentage=D(60), condition="signature")
    TrancheRuleFactory(call=call, order=2, percentage=D(40), condition="interim_report")
    BudgetLineFactory(application=grant.application)
    MembershipFactory(association=grant.application.association)
    return services.prepare_grant(grant)


def test_preparing_a_grant_makes_its_tranches_reports_and_convention(grant):
    tranches = list(grant.tranches.order_by("order"))
    convention = Convention.objects.get(grant=grant)

    assert [(t.percentage, t.amount, t.condition) for t in tranches] == [
        (D(60), D("90000.30"), "signature"),
        (D(40), D("60000.20"), "interim_report"),
    ]
    assert sum(t.amount for t in tranches) == grant.amount
    assert sorted(grant.reports.values_list("kind", flat=True)) == ["final", "interim"]
    assert convention.kind == "grant"
    assert convention.generated_pdf
    services.prepare_grant(grant)  # idempotent
    assert grant.tranches.count() == 2
    assert Convention.objects.filter(grant=grant).count() == 1


def test_the_convention_pdf_has_the_amount_in_figures_and_in_words(grant):
    content = Convention.objects.get(grant=grant).generated_pdf.read()
    text = pdf_text(content)

    assert "150 000,50 DH" in text
    assert "cent cinquante mille dirhams et cinquante centimes" in text
    assert contains_arabic(content, amount_in_words(D("150000.50"), "ar"))


def test_amounts_in_words():
    assert amount_in_words(D("4022000"), "fr") == "quatre millions vingt-deux mille dirhams"
    assert amount_in_words(D("1.01"), "fr") == "un dirham et un centime"
    assert amount_in_words(D("150000"), "ar").endswith("درهم")


def test_a_grant_from_signature_to_closure(
    client, grant, staff_user, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    first, second = grant.tranches.order_by("order")
    url = lambda name, *args: reverse(name, args=[grant.pk, *args])  # noqa: E731

    client.post(
        url("grants:grant_sign"),
        {"signed_on": timezone.localdate().isoformat(), "scan": pdf_upload("signee.pdf")},
    )
    client.post(url("grants:tranche_release", first.pk))
    client.post(
        url("grants:tranche_pay", first.pk),
        {"paid_on": timezone.localdate().isoformat(), "reference": "OV-001"},
    )
    too_early = client.post(url("grants:tranche_release", second.pk), follow=True)
    interim = grant.reports.get(kind="interim")
    member = grant.application.association.memberships.first().user
    client.force_login(member)
    client.post(
        url("grants:grant_report", interim.pk),
        {"activities_done": "Dix ateliers.", "difficulties": "", **dict.fromkeys([], 0)},
    )
    interim.refresh_from_db()
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("grants:report_review", interim.pk), {"decision": "accept", "comment": "Bien."}
        )
    client.post(url("grants:tranche_release", second.pk))
    client.post(
        url("grants:tranche_pay", second.pk),
        {"paid_on": timezone.localdate().isoformat(), "reference": "OV-002"},
    )
    accept_report(grant.reports.get(kind="final"), staff_user)
    client.post(url("grants:grant_action"), {"action": "close"})

    grant.refresh_from_db()
    assert "ne peut pas encore être libérée" in page(too_early)
    assert interim.status == "submitted"
    assert grant.paid_amount == grant.amount
    assert grant.status == "closed"
    assert Convention.objects.get(grant=grant).status == "ended"
    assert [c.to_state for c in grant.status_history] == ["active", "closed"]
    assert any("SUB-2026-VIO-00001" in m.subject for m in mail.outbox)  # report accepted


def test_a_payment_beyond_the_grant_is_refused(grant, staff_user):
    services.sign(grant, signed_on=timezone.localdate(), scan=pdf_upload(), by=staff_user)
    first = grant.tranches.get(order=1)
    services.release(first, by=staff_user)
    Grant.objects.filter(pk=grant.pk).update(paid_amount=D("60000.21"))  # paid elsewhere

    with pytest.raises(FollowUpError):
        services.pay(first, paid_on=timezone.localdate(), reference="OV-9", by=staff_user)

    first.refresh_from_db()
    assert first.status == "released"
    assert Grant.objects.get(pk=grant.pk).paid_amount == D("60000.21")


def test_a_tranche_waits_for_its_report(grant, staff_user):
    services.sign(grant, signed_on=timezone.localdate(), scan=pdf_upload(), by=staff_user)
    second = grant.tranches.get(order=2)

    with pytest.raises(FollowUpError, match="ne peut pas encore"):
        services.release(second, by=staff_user)
    accept_report(grant.reports.get(kind="interim"), staff_user)
    services.release(second, by=staff_user)

    assert Tranche.objects.get(pk=second.pk).status == "released"


def test_no_tranche_before_the_convention_is_signed(grant, staff_user):
    with pytest.raises(FollowUpError):
        services.release(grant.tranches.get(order=1), by=staff_user)


def test_overdue_reports_on_known_dates(grant, staff_user, django_capture_on_commit_callbacks):
    services.sign(grant, signed_on=dt.date(2026, 1, 5), scan=pdf_upload(), by=staff_user)
    GrantReport.objects.filter(grant=grant, kind="interim").update(due_on=dt.date(2026, 7, 5))
    GrantReport.objects.filter(grant=grant, kind="final").update(due_on=dt.date(2027, 2, 5))

    assert list(services.overdue_reports(today=dt.date(2026, 7, 5))) == []
    overdue = list(services.overdue_reports(today=dt.date(2026, 7, 6)))
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.remind_overdue(today=dt.date(2026, 7, 6))
    again = services.remind_overdue(today=dt.date(2026, 7, 6))

    assert [r.kind for r in overdue] == ["interim"]
    assert (reminded, again) == (1, 0)  # at most one reminder a week
    assert "SUB-2026-VIO-00001" in mail.outbox[-1].subject


def test_the_association_sends_its_report_with_beneficiaries_and_receipts(
    client, grant, staff_user
):
    services.sign(grant, signed_on=timezone.localdate(), scan=pdf_upload(), by=staff_user)
    report = grant.reports.get(kind="interim")
    line = grant.application.budget_lines.get()
    public = grant.application.call_domain.domain.target_publics.create(
        code="femmes-rep", name_fr="Femmes"
    )
    member = grant.application.association.memberships.first().user
    client.force_login(member)

    client.post(
        reverse("grants:grant_report", args=[grant.pk, report.pk]),
        {
            "activities_done": "Douze ateliers.",
            f"women_{public.pk}": "80",
            f"men_{public.pk}": "12",
            f"spent_{line.pk}": "45000",
            f"receipt_{line.pk}": pdf_upload("facture.pdf"),
        },
    )

    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.beneficiaries.get().women == 80
    expense = report.expenses.get()
    assert (expense.amount, expense.original_name) == (D("45000"), "facture.pdf")
    receipt = client.get(reverse("grants:expense_receipt", args=[grant.pk, report.pk, expense.pk]))
    assert receipt.status_code == 200


def test_visits_audits_and_recommendations_followed_to_closure(grant, staff_user):
    visit = services.record_visit(
        grant,
        visited_on=timezone.localdate(),
        findings="Local conforme.",
        rating=4,
        files=[],
        by=staff_user,
    )
    audit = services.open_audit(
        grant,
        kind="external",
        auditor="Cabinet X",
        started_on=timezone.localdate(),
        findings="",
        by=staff_user,
    )
    recommendation = services.add_recommendation(
        audit, text="Tenir un registre.", due_on=None, by=staff_user
    )

    with pytest.raises(FollowUpError):
        services.close_audit(audit, by=staff_user)
    services.close_recommendation(recommendation, note="Registre ouvert.", by=staff_user)
    services.close_audit(audit, by=staff_user)

    audit.refresh_from_db()
    assert visit.rating == 4
    assert audit.status == "closed"


def test_cancelling_records_what_must_be_reimbursed(grant, staff_user):
    services.sign(grant, signed_on=timezone.localdate(), scan=pdf_upload(), by=staff_user)
    first = grant.tranches.get(order=1)
    services.release(first, by=staff_user)
    services.pay(first, paid_on=timezone.localdate(), reference="OV-1", by=staff_user)

    with pytest.raises(FollowUpError):
        services.cancel(
            grant, reimbursement=D("90000.31"), reason="Projet abandonné", by=staff_user
        )
    services.cancel(grant, reimbursement=D("90000.30"), reason="Projet abandonné", by=staff_user)

    grant.refresh_from_db()
    second = grant.tranches.get(order=2)
    convention = Convention.objects.get(grant=grant)
    assert (grant.status, grant.reimbursement_amount) == ("cancelled", D("90000.30"))
    assert second.status == "cancelled"
    assert [(c.to_state, c.reason) for c in second.status_history] == [
        ("planned", ""),
        ("cancelled", "Projet abandonné"),
    ]
    assert convention.status == "terminated"
    assert convention.status_history.last().to_state == "terminated"


def _pay_by_url(client, grant, tranche, reference):
    return client.post(
        reverse("grants:tranche_pay", args=[grant.pk, tranche.pk]),
        {"paid_on": timezone.localdate().isoformat(), "reference": reference},
        follow=True,
    )


def test_a_released_tranche_of_a_cancelled_grant_is_cancelled_and_never_paid(
    client, grant, staff_user
):
    services.sign(grant, signed_on=timezone.localdate(), scan=pdf_upload(), by=staff_user)
    first = grant.tranches.get(order=1)
    client.force_login(staff_user)
    client.post(reverse("grants:tranche_release", args=[grant.pk, first.pk]))
    client.post(
        reverse("grants:grant_action", args=[grant.pk]),
        {"action": "cancel", "reimbursement": "0", "reason": "Dissolution de l'association"},
    )

    paid = _pay_by_url(client, grant, first, "OV-77")

    first.refresh_from_db()
    grant.refresh_from_db()
    assert grant.status == "cancelled"
    assert "que pour une subvention active" in page(paid)
    assert (first.status, first.paid_on, first.payment_reference) == ("cancelled", None, "")
    assert grant.paid_amount == 0
    assert [(c.from_state, c.to_state, c.reason) for c in first.status_history] == [
        ("", "planned", ""),
        ("planned", "released", ""),
        ("released", "cancelled", "Dissolution de l'association"),
    ]


def test_a_tranche_released_before_the_cancellation_cannot_be_paid_by_the_service(
    grant, staff_user
):
    services.sign(grant, signed_on=timezone.localdate(), scan=pdf_upload(), by=staff_user)
    first = grant.tranches.get(order=1)
    services.release(first, by=staff_user)
    services.cancel(grant, reimbursement=D(0), reason="Projet abandonné", by=staff_user)
    # even a tranche row read before the cancellation cannot be paid: the grant is checked
    Tranche.objects.filter(pk=first.pk).update(status="released")

    with pytest.raises(FollowUpError, match="que pour une subvention active"):
        services.pay(first, paid_on=timezone.localdate(), reference="OV-1", by=staff_user)

    assert Grant.objects.get(pk=grant.pk).paid_amount == 0
    assert Tranche.objects.get(pk=first.pk).status == "released"


def test_a_suspended_grant_releases_and_pays_nothing_until_it_is_resumed(client, grant, staff_user):
    services.sign(grant, signed_on=timezone.localdate(), scan=pdf_upload(), by=staff_user)
    first, second = grant.tranches.order_by("order")
    services.release(first, by=staff_user)
    accept_report(grant.reports.get(kind="interim"), staff_user)
    client.force_login(staff_user)
    action = reverse("grants:grant_action", args=[grant.pk])
    client.post(action, {"action": "suspend", "reason": "Audit en cours"})

    paid_while_suspended = _pay_by_url(client, grant, first, "OV-1")
    released_while_suspended = client.post(
        reverse("grants:tranche_release", args=[grant.pk, second.pk]), follow=True
    )
    detail_while_suspended = page(client.get(reverse("grants:grant", args=[grant.pk])))
    states_while_suspended = list(grant.tranches.order_by("order").values_list("status", flat=True))
    client.post(action, {"action": "resume"})
    paid_after = _pay_by_url(client, grant, first, "OV-1")
    client.post(reverse("grants:tranche_release", args=[grant.pk, second.pk]))

    suspended = "La subvention est suspendue : aucune tranche n'est libérée ni payée"
    assert suspended in page(paid_while_suspended)
    assert suspended in page(released_while_suspended)
    assert suspended in detail_while_suspended
    assert states_while_suspended == ["released", "planned"]
    assert "Le paiement est enregistré" in page(paid_after)
    grant.refresh_from_db()
    assert grant.status == "active"
    assert grant.paid_amount == D("90000.30")
    assert list(grant.tranches.order_by("order").values_list("status", flat=True)) == [
        "paid",
        "released",
    ]


def test_a_grant_cannot_close_before_its_final_report_and_payments(grant, staff_user):
    services.sign(grant, signed_on=timezone.localdate(), scan=pdf_upload(), by=staff_user)

    with pytest.raises(FollowUpError, match="rapport final"):
        services.close(grant, by=staff_user)


@pytest.mark.parametrize(
    ("role", "detail", "staff_list", "action"),
    [
        ("staff", 200, 200, 302),
        ("manager", 200, 200, 403),
        ("reviewer", 404, 404, 404),
        ("committee", 404, 404, 404),
        ("member", 200, 404, 403),
        ("other_member", 404, 404, 404),
    ],
)
def test_who_sees_and_changes_a_grant(client, grant, role, detail, staff_list, action):  # noqa: PLR0917
    users = {
        "staff": lambda: user_with_role(Role.STAFF),
        "manager": lambda: user_with_role(Role.MANAGER),
        "reviewer": lambda: user_with_role(Role.REVIEWER),
        "committee": lambda: user_with_role(Role.COMMITTEE),
        "member": lambda: grant.application.association.memberships.first().user,
        "other_member": lambda: MembershipFactory().user,
    }
    client.force_login(users[role]())
    report = grant.reports.get(kind="interim")

    statuses = (
        client.get(reverse("grants:grant", args=[grant.pk])).status_code,
        client.get(reverse("grants:grants")).status_code,
        client.post(
            reverse("grants:grant_action", args=[grant.pk]), {"action": "suspend", "reason": "x"}
        ).status_code,
        client.get(reverse("grants:grant_report", args=[grant.pk, report.pk])).status_code,
        client.get(reverse("grants:grant_convention", args=[grant.pk, "pdf"])).status_code,
    )

    assert statuses == (detail, staff_list, action, detail, detail)
    assert Grant.objects.get(pk=grant.pk).status == "pending_signature"  # nobody could suspend it


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_payments_at_the_same_moment_never_overpay():
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite has no row locks")
    staff = user_with_role(Role.STAFF)
    grant = GrantFactory(amount=D("100000"), status="active")
    tranches = [
        Tranche.objects.create(
            grant=grant,
            order=n,
            percentage=D(60),
            amount=D("60000"),
            condition="signature",
            status="released",
        )
        for n in (1, 2)
    ]  # a wrong schedule: 120 % of the grant
    barrier = threading.Barrier(2)
    outcomes = []

    def pay(tranche):
        try:
            barrier.wait()
            services.pay(
                tranche, paid_on=timezone.localdate(), reference=f"OV-{tranche.order}", by=staff
            )
            outcomes.append("paid")
        except FollowUpError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(t,)) for t in tranches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["paid", "refused"]
    assert Grant.objects.get(pk=grant.pk).paid_amount == D("60000")


def test_a_manager_who_tries_a_change_is_told_it_is_not_allowed(client, grant):
    client.force_login(user_with_role(Role.MANAGER))

    response = client.post(
        reverse("grants:grant_action", args=[grant.pk]), {"action": "suspend", "reason": "x"}
    )

    assert response.status_code == 403
    assert "Action non autorisée" in page(response)
    assert Grant.objects.get(pk=grant.pk).status == "pending_signature"


def test_bad_inputs_are_refused_with_a_message_and_change_nothing(client, grant, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    fake_pdf = SimpleUploadedFile(
        "scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )

    not_a_pdf = page(
        client.post(
            reverse("grants:grant_sign", args=[grant.pk]),
            {"signed_on": timezone.localdate().isoformat(), "scan": fake_pdf},
            follow=True,
        )
    )
    in_the_future = page(
        client.post(
            reverse("grants:grant_sign", args=[grant.pk]),
            {"signed_on": tomorrow, "scan": pdf_upload()},
            follow=True,
        )
    )
    services.sign(grant, signed_on=timezone.localdate(), scan=pdf_upload(), by=staff_user)
    first = grant.tranches.get(order=1)
    services.release(first, by=staff_user)
    no_reference = page(
        client.post(
            reverse("grants:tranche_pay", args=[grant.pk, first.pk]),
            {"paid_on": timezone.localdate().isoformat(), "reference": ""},
            follow=True,
        )
    )

    assert "« scan.pdf » n'est pas un fichier PDF" in not_a_pdf
    assert "La date de signature ne peut pas être dans le futur" in in_the_future
    assert "Ce champ est obligatoire" in no_reference
    first.refresh_from_db()
    assert first.status == "released"
    assert Grant.objects.get(pk=grant.pk).paid_amount == 0
    assert [c.to_state for c in Grant.objects.get(pk=grant.pk).status_history] == ["active"]


def test_the_staff_home_page_lists_what_waits_for_them(client, grant, staff_user):
    GrantReport.objects.filter(grant=grant, kind="interim").update(due_on=dt.date(2020, 1, 1))
    client.force_login(staff_user)

    before = visible_text(client.get(reverse("home")))
    services.sign(grant, signed_on=timezone.localdate(), scan=pdf_upload(), by=staff_user)
    services.release(grant.tranches.get(order=1), by=staff_user)
    after = visible_text(client.get(reverse("home")))
    client.force_login(grant.application.association.memberships.first().user)
    member = visible_text(client.get(reverse("home")))

    assert "Conventions en attente de signature 1" in before
    assert "Rapports en retard" not in before  # the grant is not active yet
    assert "Conventions en attente de signature" not in after
    assert "Tranches libérées, à payer 1" in after
    assert "Rapports en retard 1" in after
    assert "À faire" not in member


def test_the_convention_reads_in_arabic_on_request(client, grant):
    client.force_login(grant.application.association.memberships.first().user)

    response = client.get(
        reverse("grants:grant_convention", args=[grant.pk, "pdf"]), {"lang": "ar"}
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-ar.pdf"')
    dirhams, centimes = "مائة و خمسون ألف درهم", "وخمسون سنتيم"  # two lines in this layout
    assert amount_in_words(D("150000.50"), "ar") == f"{dirhams} {centimes}"
    assert contains_arabic(content, "اتفاقية شراكة")
    assert contains_arabic(content, dirhams)
    assert contains_arabic(content, centimes)


def test_the_grants_list_filters_and_exports_what_it_shows(client, staff_user):
    import io

    from openpyxl import load_workbook

    from tests.factories import RegionFactory

    north, south = RegionFactory(), RegionFactory()
    kept = GrantFactory(amount=D("120000"), application__region=north, reference="SUB-2026-N-00001")
    GrantFactory(amount=D("80000"), application__region=south, reference="SUB-2026-S-00001")
    client.force_login(staff_user)

    listing = page(client.get(reverse("grants:grants"), {"region": north.pk}))
    workbook = load_workbook(
        io.BytesIO(
            client.get(reverse("grants:grants"), {"region": north.pk, "export": "xlsx"}).content
        )
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    csv = client.get(
        reverse("grants:grants"), {"q": "SUB-2026-S", "export": "csv"}
    ).content.decode()

    assert "SUB-2026-N-00001" in listing
    assert "SUB-2026-S-00001" not in listing
    assert rows[0][0] == "Référence"
    assert [(r[0], r[7]) for r in rows[1:]] == [(kept.reference, 120000)]
    assert "SUB-2026-S-00001" in csv
    assert "SUB-2026-N-00001" not in csv


def test_the_grants_list_s_queries_do_not_grow_with_the_grants(client, staff_user):
    client.force_login(staff_user)

    GrantFactory()
    few = page_queries(client, reverse("grants:grants"))
    for _ in range(15):
        GrantFactory()

    assert page_queries(client, reverse("grants:grants")) == few


def test_an_expense_may_wait_for_its_receipt(grant, staff_user):
    line = grant.application.budget_lines.get()
    report = grant.reports.get(kind="interim")

    services.submit_report(
        report,
        activities_done="Ateliers.",
        difficulties="",
        beneficiaries={},
        expenses=[
            {"budget_line": line, "label": line.label, "amount": D("1200"), "spent_on": None}
        ],
        by=staff_user,
    )

    expense = report.expenses.get()
    assert (expense.amount, expense.original_name, bool(expense.receipt)) == (D("1200"), "", False)
