"""An association answers a request for complements: staff read the answer and its files on
the instruction page, download the files (like the application's documents), and are told by
e-mail."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from grants.models import ComplementFile
from grants.services import evaluation as services
from portal.roles import Role
from tests.apply_helpers import PDF_BYTES, pdf_upload
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    ReviewAssignmentFactory,
    user_with_role,
)
from tests.pages import page

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked():
    """A submitted application; a staff officer asked its association for complements."""
    application = ApplicationFactory(
        status="submitted", reference="AAP-2026-C-00007", submitted_at=timezone.now()
    )
    officer = user_with_role(Role.STAFF, first_name="Salma", last_name="Bennani")
    request = services.request_complements(
        application,
        by=officer,
        message="Merci de joindre le PV de l'assemblée générale.",
        due_at=timezone.now() + dt.timedelta(days=10),
    )
    member = MembershipFactory(association=application.association).user
    return {"application": application, "officer": officer, "request": request, "member": member}


def _answer(client, asked, django_capture_on_commit_callbacks):
    client.force_login(asked["member"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("grants:complement", args=[asked["application"].pk, asked["request"].pk]),
            {"answer": "Voici le PV signé, réponse-unique-42.", "files": [pdf_upload("pv-ag.pdf")]},
        )
    assert response.status_code == 302
    return ComplementFile.objects.get(request=asked["request"])


def _file_url(asked, document):
    return reverse(
        "grants:complement_file",
        args=[asked["application"].pk, asked["request"].pk, document.pk],
    )


def test_staff_read_the_answer_its_date_and_files_on_the_instruction_page(
    client, asked, django_capture_on_commit_callbacks
):
    document = _answer(client, asked, django_capture_on_commit_callbacks)
    asked["request"].refresh_from_db()
    client.force_login(asked["officer"])

    text = page(client.get(reverse("grants:instruction", args=[asked["application"].pk])))

    assert "Demandes de compléments" in text
    assert "Merci de joindre le PV de l'assemblée générale." in text
    assert "Voici le PV signé, réponse-unique-42." in text
    assert "Répondu le" in text
    answered = date_format(timezone.localtime(asked["request"].answered_at), "DATETIME_FORMAT")
    assert f"Répondu le {answered}" in text
    assert "pv-ag.pdf" in text
    assert _file_url(asked, document) in text


def test_an_unanswered_request_is_shown_as_such(client, asked):
    client.force_login(asked["officer"])

    text = page(client.get(reverse("grants:instruction", args=[asked["application"].pk])))

    assert "Merci de joindre le PV de l'assemblée générale." in text
    assert "Pas encore de réponse." in text


def test_staff_download_the_files_of_the_answer(client, asked, django_capture_on_commit_callbacks):
    document = _answer(client, asked, django_capture_on_commit_callbacks)
    client.force_login(asked["officer"])

    response = client.get(_file_url(asked, document))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "pv-ag.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 200),
        ("manager", 200),
        ("association_member", 200),
        ("reviewer_declared", 200),
        ("reviewer_undeclared", 404),
        ("reviewer_conflicted", 404),
        ("reviewer_elsewhere", 404),
        ("committee", 404),
        ("other_association", 404),
    ],
)
def test_who_downloads_the_files_of_an_answer(
    client, asked, django_capture_on_commit_callbacks, who, status
):
    document = _answer(client, asked, django_capture_on_commit_callbacks)
    application = asked["application"]
    users = {
        "staff": lambda: user_with_role(Role.STAFF),
        "manager": lambda: user_with_role(Role.MANAGER),
        "association_member": lambda: asked["member"],
        "reviewer_declared": lambda: (
            ReviewAssignmentFactory(
                application=application,
                status="in_progress",
                no_conflict_declared_at=timezone.now(),
            ).reviewer
        ),
        "reviewer_undeclared": lambda: ReviewAssignmentFactory(application=application).reviewer,
        "reviewer_conflicted": lambda: (
            ReviewAssignmentFactory(application=application, status="conflict").reviewer
        ),
        "reviewer_elsewhere": lambda: (
            ReviewAssignmentFactory(
                status="in_progress", no_conflict_declared_at=timezone.now()
            ).reviewer
        ),
        "committee": lambda: user_with_role(Role.COMMITTEE),
        "other_association": lambda: MembershipFactory().user,
    }
    client.force_login(users[who]())

    assert client.get(_file_url(asked, document)).status_code == status


def test_a_file_is_served_only_under_its_own_application_and_request(
    client, asked, django_capture_on_commit_callbacks
):
    document = _answer(client, asked, django_capture_on_commit_callbacks)
    other = ApplicationFactory(association=MembershipFactory().association, status="submitted")
    outsider = other.association.memberships.get().user
    client.force_login(outsider)

    # a member of another association cannot reach it through their own application's URL
    response = client.get(
        reverse("grants:complement_file", args=[other.pk, asked["request"].pk, document.pk])
    )

    assert response.status_code == 404


def test_the_officer_who_asked_is_told_in_their_language(
    client, asked, django_capture_on_commit_callbacks
):
    asked["officer"].language = "ar"
    asked["officer"].save()
    other_officer = user_with_role(Role.STAFF)

    _answer(client, asked, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.bcc == [asked["officer"].email]
    assert other_officer.email not in message.bcc
    assert "AAP-2026-C-00007" in message.subject
    assert "تم التوصل بالتكميلات" in message.subject
    assert "1 ملف" in message.body or "ملف واحد" in message.body
    assert reverse("grants:instruction", args=[asked["application"].pk]) in message.body


def test_without_the_officer_who_asked_every_staff_officer_is_told_in_french(
    client, asked, django_capture_on_commit_callbacks
):
    asked["officer"].is_active = False
    asked["officer"].save()
    others = [user_with_role(Role.STAFF) for _ in range(2)]

    _answer(client, asked, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.bcc) == sorted(u.email for u in others)
    assert message.subject == "Dossier AAP-2026-C-00007 : compléments reçus"
    association = asked["application"].association.name_fr
    assert f"{association} a répondu le" in message.body
    assert "à votre demande de compléments" in message.body
    assert "1 fichier joint." in message.body
