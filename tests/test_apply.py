"""Associations apply online: the wizard, its rules, submission, versions, receipts, access."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from grants.models import ApplicationDocument, ApplicationSubmission
from tests.apply_helpers import (
    budget_data,
    open_call,
    pdf_upload,
    place_data,
    project_data,
    ready_application,
    start,
)
from tests.factories import ApplicationFactory, MembershipFactory
from tests.pages import page
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def _step(application, slug):
    return reverse("grants:apply_step", args=[application.pk, slug])


def _submit(client, application):
    return client.post(reverse("grants:apply_submit", args=[application.pk]), follow=True)


def test_the_whole_journey_ends_with_a_reference_a_receipt_and_an_email(
    client, django_capture_on_commit_callbacks
):
    call_domain = open_call(year=2026, edition="2026")
    call_domain.domain.code = "VIO"
    call_domain.domain.save()
    membership = MembershipFactory()
    MembershipFactory(association=membership.association, role="member")
    client.force_login(membership.user)

    application = start(client, call_domain, membership.association)
    assert application.status == "draft"
    for slug, data in (
        ("projet", project_data()),
        ("lieu", place_data(application)),
        ("budget", budget_data(requested="150000")),
    ):
        response = client.post(_step(application, slug), data)
        assert response.status_code == 302, (slug, page(response)[:2000])
    required = application.call.required_documents.get()
    client.post(
        reverse("grants:apply_document_upload", args=[application.pk]),
        {"file": pdf_upload(), "required_document": required.pk},
    )
    review = page(client.get(_step(application, "recapitulatif")))
    assert "Maison d'écoute pour femmes" in review
    assert "Tout est prêt" in review

    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, application)

    application.refresh_from_db()
    assert response.status_code == 200
    assert application.status == "submitted"
    assert application.reference == "AAP-2026-VIO-00001"
    submission = application.submissions.get()
    assert submission.number == 1
    assert submission.snapshot["totals"]["requested"] == "150000.00"
    assert submission.receipt  # rendered after the commit
    receipt = client.get(reverse("grants:receipt", args=[application.pk, 1]))
    assert receipt["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(receipt.streaming_content))
    assert "AAP-2026-VIO-00001" in text
    assert "Maison d'écoute pour femmes" in text
    assert "150 000" in text
    assert "200 000" in text  # the budget's total
    sent = [m for m in mail.outbox if "AAP-2026-VIO-00001" in m.subject]
    assert len(sent) == 1
    assert set(sent[0].bcc) == set(
        membership.association.memberships.values_list("user__email", flat=True)
    )


def test_references_count_per_domain(client):
    user, first = ready_application(client, year=2026, edition="2026")
    _submit(client, first)
    second_association = MembershipFactory(user=user).association
    second = start(client, first.call_domain, second_association)
    from tests.apply_helpers import fill

    fill(client, second)
    _submit(client, second)

    first.refresh_from_db()
    second.refresh_from_db()
    code = first.call_domain.domain.code
    assert first.reference == f"AAP-2026-{code}-00001"
    assert second.reference == f"AAP-2026-{code}-00002"


@pytest.mark.parametrize(("offset", "accepted"), [(-1, True), (1, False)])
def test_the_deadline_is_the_servers_to_the_second(client, offset, accepted):
    user, application = ready_application(client)
    deadline = timezone.make_aware(dt.datetime(2026, 12, 25, 23, 59, 0))  # Morocco time
    application.call.closes_at = deadline
    application.call.save()

    with time_machine.travel(deadline + dt.timedelta(seconds=offset), tick=False):
        client.force_login(user)
        response = _submit(client, application)

    application.refresh_from_db()
    assert (application.status == "submitted") is accepted
    if not accepted:
        assert "L'appel a été clôturé le 25/12/2026 23:59:00" in page(response)
        assert not ApplicationSubmission.objects.exists()


def test_the_amount_requested_cannot_exceed_the_domains_cap(client):
    _user, application = ready_application(client)

    response = client.post(
        _step(application, "budget"),
        budget_data(requested="250000", lines=[("activities", "Centre", "400000", "0", "0")]),
    )
    result = _submit(client, application)

    assert response.status_code == 302  # the step is saved; the rule stops the submission
    assert "dépasse le plafond de 200 000 DH" in page(result)
    application.refresh_from_db()
    assert application.status == "draft"


def test_the_amount_requested_cannot_exceed_the_budget_minus_cofunding(client):
    _user, application = ready_application(client)
    client.post(
        _step(application, "budget"),
        budget_data(
            requested="160000", lines=[("activities", "Ateliers", "200000", "30000", "20000")]
        ),
    )

    response = _submit(client, application)

    assert "part de l'association et le cofinancement (150 000 DH)" in page(response)
    application.refresh_from_db()
    assert application.status == "draft"


def test_shares_above_a_lines_cost_are_shown_next_to_the_line_and_not_saved(client):
    _user, application = ready_application(client)

    response = client.post(
        _step(application, "budget"),
        budget_data(lines=[("activities", "Ateliers", "1000", "800", "500")]),
    )

    assert response.status_code == 200
    assert "dépassent le coût de la ligne" in page(response)
    assert application.budget_lines.get().total == Decimal("200000.00")  # the saved budget stays


def test_every_required_document_must_be_attached(client):
    _user, application = ready_application(client)
    ApplicationDocument.objects.filter(application=application).delete()

    response = _submit(client, application)

    assert "Joindre : Statuts de l'association" in page(response)
    application.refresh_from_db()
    assert application.status == "draft"


def test_an_unverified_association_cannot_submit(client):
    _user, application = ready_application(client)
    application.association.status = "pending"
    application.association.save()

    response = _submit(client, application)

    assert "doit être vérifiée par le ministère" in page(response)
    application.refresh_from_db()
    assert application.status == "draft"


def test_one_application_per_association_and_domain_unless_the_call_allows_more(client):
    _user, application = ready_application(client)
    ApplicationFactory(
        call_domain=application.call_domain,
        association=application.association,
        status="submitted",
        reference="AAP-2000-X-00001",
    )

    refused = _submit(client, application)
    application.call.max_applications_per_domain = 2
    application.call.save()
    accepted = _submit(client, application)

    assert "a déjà 1 dossier(s) dans ce domaine" in page(refused)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert accepted.status_code == 200


def test_required_fields_are_reported_next_to_each_field(client):
    _user, application = ready_application(client)

    response = client.post(
        _step(application, "projet"), project_data(title="", duration_months="99")
    )

    content = page(response)
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in content
    assert "inférieure ou égale à 60" in content


def test_autosave_keeps_a_half_filled_step(client):
    call_domain = open_call()
    membership = MembershipFactory()
    client.force_login(membership.user)
    application = start(client, call_domain, membership.association)

    response = client.post(
        reverse("grants:apply_autosave", args=[application.pk, "projet"]),
        {"title": "Projet à moitié écrit", "summary": "", "duration_months": "abc"},
    )

    application.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["saved"] is True
    assert application.title == "Projet à moitié écrit"
    assert application.duration_months is None
    # Coming back later (a new session), the text is there.
    client.logout()
    client.force_login(membership.user)
    assert "Projet à moitié écrit" in page(client.get(_step(application, "projet")))


def test_autosave_keeps_the_valid_budget_lines(client):
    _user, application = ready_application(client)
    data = budget_data(
        lines=[
            ("staff", "Animatrice", "60000", "0", "0"),
            ("activities", "", "abc", "0", "0"),  # still being typed
        ]
    )

    client.post(reverse("grants:apply_autosave", args=[application.pk, "budget"]), data)

    assert list(application.budget_lines.values_list("label", "total")) == [
        ("Animatrice", Decimal("60000.00"))
    ]


def test_resubmission_keeps_both_versions_and_the_last_counts(
    client, django_capture_on_commit_callbacks
):
    _user, application = ready_application(client)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, application)

    reopened = client.post(reverse("grants:apply_reopen", args=[application.pk]))
    client.post(
        _step(application, "projet"), project_data(title="Maison d'écoute, version corrigée")
    )
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, application)

    application.refresh_from_db()
    assert reopened.status_code == 302
    assert application.status == "submitted"
    assert application.version == 2
    versions = list(application.submissions.order_by("number"))
    assert [v.snapshot["project"]["title"] for v in versions] == [
        "Maison d'écoute pour femmes",
        "Maison d'écoute, version corrigée",
    ]
    assert versions[0].snapshot["reference"] == versions[1].snapshot["reference"]
    first = page(client.get(reverse("grants:version", args=[application.pk, 1])))
    assert "Maison d'écoute pour femmes" in first
    receipt_v1 = client.get(reverse("grants:receipt", args=[application.pk, 1]))
    assert "Maison d'écoute pour femmes" in pdf_text(b"".join(receipt_v1.streaming_content))


def test_a_reopened_application_not_sent_again_counts_as_its_last_version(client):
    from grants.services.apply import close_reopened

    _user, application = ready_application(client)
    _submit(client, application)
    client.post(reverse("grants:apply_reopen", args=[application.pk]))
    client.post(_step(application, "projet"), project_data(title="Brouillon jamais envoyé"))

    with time_machine.travel(application.call.closes_at + dt.timedelta(seconds=1), tick=False):
        assert close_reopened() == 1

    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.title == "Maison d'écoute pour femmes"


def test_no_reopening_after_the_deadline(client):
    user, application = ready_application(client)
    _submit(client, application)

    with time_machine.travel(application.call.closes_at + dt.timedelta(seconds=1), tick=False):
        client.force_login(user)
        response = client.post(reverse("grants:apply_reopen", args=[application.pk]), follow=True)

    application.refresh_from_db()
    assert application.status == "submitted"
    assert "La date limite est passée" in page(response)


def test_a_file_named_pdf_with_other_content_is_refused(client):
    _user, application = ready_application(client)
    before = ApplicationDocument.objects.count()

    response = client.post(
        reverse("grants:apply_document_upload", args=[application.pk]),
        {"file": pdf_upload("budget.pdf", b"MZ\x90\x00 this is not a pdf" * 10)},
        follow=True,
    )

    assert "n'est pas un fichier PDF, JPEG, PNG, XLSX ou DOCX" in page(response)
    assert ApplicationDocument.objects.count() == before


def test_an_oversize_file_is_refused_and_nothing_is_stored(client, settings, tmp_path):
    settings.UPLOAD_MAX_BYTES = 1024
    _user, application = ready_application(client)
    before = ApplicationDocument.objects.count()
    stored_before = sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file())

    response = client.post(
        reverse("grants:apply_document_upload", args=[application.pk]),
        {"file": pdf_upload("rapport.pdf", b"%PDF-1.4\n" + b"0" * 4096)},
        follow=True,
    )

    assert "la limite est de 1,0" in page(response)
    assert ApplicationDocument.objects.count() == before
    assert sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file()) == stored_before


def test_a_member_of_another_association_gets_404_on_every_page_and_file(client):
    _user, application = ready_application(client)
    _submit(client, application)
    document = application.documents.get()
    outsider = MembershipFactory().user
    client.force_login(outsider)

    urls = [
        reverse("grants:application", args=[application.pk]),
        reverse("grants:apply_step", args=[application.pk, "projet"]),
        reverse("grants:version", args=[application.pk, 1]),
        reverse("grants:receipt", args=[application.pk, 1]),
        reverse("grants:document", args=[application.pk, document.pk]),
        reverse("grants:apply_withdraw", args=[application.pk]),
        reverse("associations:detail", args=[application.association_id]),
    ]
    posts = [
        reverse("grants:apply_reopen", args=[application.pk]),
        reverse("grants:apply_submit", args=[application.pk]),
        reverse("grants:apply_autosave", args=[application.pk, "projet"]),
        reverse("grants:apply_document_upload", args=[application.pk]),
        reverse("associations:edit", args=[application.association_id]),
    ]

    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    assert [client.post(url, {"title": "x"}).status_code for url in posts] == [404] * len(posts)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_staff_can_download_an_applications_file(client, staff_user):
    _user, application = ready_application(client)
    document = application.documents.get()
    client.force_login(staff_user)

    response = client.get(reverse("grants:document", args=[application.pk, document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_withdrawing_an_application(client):
    _user, application = ready_application(client)
    _submit(client, application)

    client.post(
        reverse("grants:apply_withdraw", args=[application.pk]), {"reason": "Projet reporté"}
    )

    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert application.status_history.last().reason == "Projet reporté"


def test_the_number_of_files_is_limited(client, settings):
    settings.UPLOAD_MAX_FILES = 1
    _user, application = ready_application(client)  # one file already attached

    response = client.post(
        reverse("grants:apply_document_upload", args=[application.pk]),
        {"file": pdf_upload("annexe.pdf")},
        follow=True,
    )

    assert "Au plus 1 fichiers peuvent être joints." in page(response)
    assert application.documents.count() == 1


def test_an_assigned_reviewer_opens_the_files_once_declared_unless_conflicted(client):
    from tests.factories import ReviewAssignmentFactory

    _user, application = ready_application(client)
    document = application.documents.get()
    url = reverse("grants:document", args=[application.pk, document.pk])
    assigned = ReviewAssignmentFactory(
        application=application, status="in_progress", no_conflict_declared_at=timezone.now()
    )
    conflicted = ReviewAssignmentFactory(application=application, status="conflict")
    stranger = ReviewAssignmentFactory()

    answers = []
    for assignment in (assigned, conflicted, stranger):
        client.force_login(assignment.reviewer)
        answers.append(client.get(url).status_code)

    assert answers == [200, 404, 404]
