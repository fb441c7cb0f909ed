"""Applications sent or completed at the same moment keep the call's limits (PostgreSQL row
locks; each thread has its own connection)."""

import threading
import time
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from grants.models import Application, ApplicationDocument, ApplicationSubmission
from grants.services import apply as services
from tests.apply_helpers import PDF_BYTES, fill, pdf_upload, ready_application, start
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite has no row locks")


def _slowed(function, seconds=0.3):
    """``function``, taking its time: the window in which a concurrent request could slip in."""

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return function(*args, **kwargs)

    return slow


def _together(target, arguments):
    barrier = threading.Barrier(len(arguments))

    def run(*args):
        try:
            barrier.wait()
            target(*args)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_two_drafts_in_one_domain_sent_at_the_same_moment_only_one_goes_through(client):
    user, first = ready_application(client)
    second = fill(client, start(client, first.call_domain, first.association))
    assert first.call.max_applications_per_domain == 1
    outcomes = {}

    def send(application):
        try:
            services.submit(application, user=user)
            outcomes[application.pk] = "submitted"
        except services.SubmissionRefused as refused:
            outcomes[application.pk] = [p.message for p in refused.problems]

    with mock.patch.object(services, "snapshot", _slowed(services.snapshot)):
        _together(send, [(first,), (second,)])

    assert sorted(str(o) for o in outcomes.values()).count("submitted") == 1
    (refused,) = [o for o in outcomes.values() if o != "submitted"]
    assert refused == ["L'association a déjà 1 dossier(s) dans ce domaine ; l'appel en accepte 1."]
    statuses = dict(
        Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "status")
    )
    assert sorted(statuses.values()) == ["draft", "submitted"]
    loser = next(pk for pk, status in statuses.items() if status == "draft")
    winner = next(pk for pk, status in statuses.items() if status == "submitted")
    assert Application.objects.get(pk=loser).reference is None
    assert Application.objects.get(pk=loser).version == 0
    assert list(ApplicationSubmission.objects.values_list("application_id", flat=True)) == [winner]
    code = first.call_domain.domain.code
    assert list(
        Application.objects.exclude(reference=None).values_list("reference", flat=True)
    ) == [f"AAP-{first.call.year}-{code}-00001"]


def test_drafts_of_different_associations_sent_at_the_same_moment_get_consecutive_numbers(
    client,
):
    user, first = ready_application(client)
    drafts = [first]
    for _ in range(3):
        association = MembershipFactory(user=user).association
        drafts.append(fill(client, start(client, first.call_domain, association)))
    errors = []

    def send(application):
        try:
            services.submit(application, user=user)
        except Exception as error:
            errors.append(error)

    with mock.patch.object(services, "snapshot", _slowed(services.snapshot)):
        _together(send, [(draft,) for draft in drafts])

    assert errors == []
    code = first.call_domain.domain.code
    assert sorted(
        Application.objects.exclude(reference=None).values_list("reference", flat=True)
    ) == [f"AAP-{first.call.year}-{code}-{n:05d}" for n in (1, 2, 3, 4)]
    first.call_domain.refresh_from_db()
    assert first.call_domain.last_reference_number == 4


def test_eight_uploads_at_the_same_moment_never_go_beyond_the_limit(client, settings):
    settings.UPLOAD_MAX_FILES = 20
    user, application = ready_application(client)  # one file attached
    for n in range(17):
        ApplicationDocument.objects.create(
            application=application,
            file=ContentFile(PDF_BYTES, name=f"annexe-{n}.pdf"),
            original_name=f"annexe-{n}.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            uploaded_by=user,
        )
    assert application.documents.count() == 18
    url = reverse("grants:apply_document_upload", args=[application.pk])
    answers = []

    def upload(n):
        browser = Client()
        browser.force_login(user)
        response = browser.post(url, {"file": pdf_upload(f"simultane-{n}.pdf")}, follow=True)
        answers.append(response.content.decode())

    with mock.patch.object(services, "stored", _slowed(services.stored)):
        _together(upload, [(n,) for n in range(8)])

    assert application.documents.filter(removed_at=None).count() == 20
    assert sum("Au plus 20 fichiers peuvent être joints." in a for a in answers) == 6
    assert sum("est joint" in a for a in answers) == 2
