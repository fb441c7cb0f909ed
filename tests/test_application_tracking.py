"""The association's dashboard, requests for complements, and e-mails on status changes."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from grants.models import Application, ComplementRequest
from grants.services.apply import notify_status
from portal.workflow import record_creation, transition
from tests.apply_helpers import pdf_upload
from tests.factories import ApplicationFactory, GrantFactory, MembershipFactory
from tests.pages import page
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_applications_grants_and_history_with_constant_queries(client, member):
    association = member.memberships.get().association
    application = ApplicationFactory(association=association, status="submitted", title="Projet A")
    record_creation(application)
    GrantFactory(application__association=association, reference="SUB-2026-0001")
    client.force_login(member)
    few = page_queries(client, reverse("grants:my_applications"))
    for n in range(8):
        more = ApplicationFactory(association=association, title=f"Projet {n}")
        record_creation(more)
        GrantFactory(application__association=association)

    text = page(client.get(reverse("grants:my_applications")))

    assert page_queries(client, reverse("grants:my_applications")) == few
    assert "Projet A" in text
    assert "SUB-2026-0001" in text
    assert "Soumis" in text  # the history column


def test_the_dashboard_shows_only_the_users_associations(client, member, outsider):
    ApplicationFactory(association=outsider.memberships.get().association, title="Dossier voisin")
    client.force_login(member)

    assert "Dossier voisin" not in page(client.get(reverse("grants:my_applications")))


def _complements(member, *, due_in):
    association = member.memberships.get().association
    application = ApplicationFactory(association=association, status="complements_requested")
    request = ComplementRequest.objects.create(
        application=application,
        message="Joindre le PV de la dernière assemblée.",
        due_at=timezone.now() + due_in,
    )
    return application, request


def test_an_association_answers_a_request_for_complements_by_its_due_date(client, member):
    application, request = _complements(member, due_in=dt.timedelta(days=3))
    client.force_login(member)

    client.post(
        reverse("grants:complement", args=[application.pk, request.pk]),
        {"answer": "Voici le PV.", "files": [pdf_upload("pv.pdf")]},
    )

    request.refresh_from_db()
    application.refresh_from_db()
    assert request.answer == "Voici le PV."
    assert request.files.get().original_name == "pv.pdf"
    assert application.status == "submitted"


def test_a_late_answer_is_refused_and_changes_nothing(client, member):
    application, request = _complements(member, due_in=dt.timedelta(seconds=-1))
    client.force_login(member)

    response = client.post(
        reverse("grants:complement", args=[application.pk, request.pk]),
        {"answer": "Trop tard ?"},
    )

    request.refresh_from_db()
    assert "La date limite de cette demande est passée." in page(response)
    assert request.answered_at is None
    assert Application.objects.get(pk=application.pk).status == "complements_requested"


def test_status_emails_go_in_each_members_language_after_the_commit(
    django_capture_on_commit_callbacks,
):
    french = MembershipFactory(user__language="fr")
    MembershipFactory(association=french.association, user__language="ar", role="member")
    application = ApplicationFactory(
        association=french.association, status="submitted", reference="AAP-2026-VIO-00007"
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(application, "admissible")
        notify_status(application)
        assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    subjects = sorted(message.subject for message in mail.outbox)
    with override("ar"):
        arabic_label = str(Application.Status.ADMISSIBLE.label)
    assert len(subjects) == 2
    assert any("Dossier AAP-2026-VIO-00007 : Recevable" in s for s in subjects)
    assert any(arabic_label in s for s in subjects)
