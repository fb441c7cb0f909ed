"""Personal data under law 09-08: the notice on every form that collects it, the consent given
at sign-up, the download of one's data and erasure on request (what goes, what is kept and
why)."""

import datetime as dt
import json

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from associations.models import Invitation, Membership
from conventions.models import Convention
from grants.models import Application, ApplicationDocument, ApplicationSubmission, Tranche
from portal.models import User
from portal.roles import Role
from privacy import services
from privacy.models import Consent, ErasureRequest, RetentionRecord
from tests.apply_helpers import PDF_BYTES
from tests.factories import (
    ApplicationFactory,
    CallDomainFactory,
    ConventionFactory,
    GrantFactory,
    GrantReportFactory,
    MembershipFactory,
    TrancheFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

NOTICE_FR = "Protection des données à caractère personnel (loi n° 09-08)"
RIGHTS_FR = (
    "vous disposez d'un droit d'accès (article 7), de rectification (article 8) et "
    "d'opposition pour des motifs légitimes (article 9)"
)
RECIPIENTS_FR = "(Cour des comptes et Inspection générale des finances)"
NOTICE_AR = "حماية المعطيات ذات الطابع الشخصي (القانون رقم 09-08)"


@pytest.fixture(autouse=True)
def _notice_settings(settings):
    settings.CNDP_DECLARATION_NUMBER = "D-W-421/2026"
    settings.PERSONAL_DATA_CONTACT = "dpo@social.gov.ma"
    settings.PERSONAL_DATA_NOTICE_VERSION = "2026-11"


def _assert_notice(content: str) -> None:
    assert NOTICE_FR in content
    assert RIGHTS_FR in content
    assert RECIPIENTS_FR in content
    assert "sous le n° D-W-421/2026" in content
    assert "adressez-vous à dpo@social.gov.ma" in content
    assert "Version de la notice : 2026-11." in content


def _attach(application, name="liste-beneficiaires.pdf") -> ApplicationDocument:
    document = ApplicationDocument(
        application=application,
        original_name=name,
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )
    document.file.save(name, ContentFile(PDF_BYTES), save=True)
    return document


def _submit(application, user, *, at=None) -> ApplicationSubmission:
    at = at or timezone.now()
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.SUBMITTED, submitted_at=at, version=1
    )
    application.refresh_from_db()
    return ApplicationSubmission.objects.create(
        application=application,
        number=1,
        submitted_at=at,
        submitted_by=user,
        snapshot={"project": {"title": application.title, "summary": application.summary}},
    )


# --- The notice -------------------------------------------------------------------------------


def test_the_sign_up_page_shows_the_notice_and_a_consent_checkbox(client):
    response = client.get(reverse("account_signup"))

    content = response.content.decode()
    assert response.status_code == 200
    _assert_notice(content)
    assert 'name="personal_data_consent"' in content


def test_the_notice_reads_in_arabic(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    content = client.get(reverse("account_signup")).content.decode()

    assert NOTICE_AR in content
    assert "المجلس الأعلى للحسابات والمفتشية العامة للمالية" in content
    assert "(المادة 7)" in content
    assert "تحت رقم D-W-421/2026" in content


def test_every_form_collecting_personal_data_shows_the_notice(client, member):
    association = member.memberships.get().association
    call_domain = CallDomainFactory()
    application = ApplicationFactory(association=association, call_domain=call_domain)
    grant = GrantFactory(application__association=association)
    report = GrantReportFactory(grant=grant)
    invitation = Invitation.objects.create(
        association=MembershipFactory().association, email=member.email, token="tok-invitation"
    )
    client.force_login(member)
    pages = [
        reverse("associations:create"),
        reverse("associations:edit", args=[association.pk]),
        reverse("associations:detail", args=[association.pk]),  # members' invitations
        reverse("associations:accept", args=[invitation.token]),
        reverse("grants:apply_step", args=[application.pk, "lieu"]),  # beneficiaries
        reverse("grants:grant_report", args=[grant.pk, report.pk]),
    ]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_notice(response.content.decode())


# --- Consent at sign-up -------------------------------------------------------------------------


def _signup(client, **extra):
    return client.post(
        reverse("account_signup"),
        {
            "email": "nouvelle@asso.ma",
            "password1": "un-mot-de-passe-solide-42",
            "password2": "un-mot-de-passe-solide-42",
            **extra,
        },
    )


def test_sign_up_without_consent_is_refused(client):
    response = _signup(client)

    assert response.status_code == 200
    assert "Votre consentement est nécessaire pour créer un compte." in response.content.decode()
    assert not User.objects.filter(email="nouvelle@asso.ma").exists()


def test_sign_up_records_the_consent_with_its_date_and_the_notice_version(client):
    before = timezone.now()

    response = _signup(client, personal_data_consent="on")

    assert response.status_code == 302
    consent = Consent.objects.get(user__email="nouvelle@asso.ma")
    assert consent.notice_version == "2026-11"
    assert before <= consent.given_at <= timezone.now()
    assert consent.ip == "127.0.0.1"


# --- Download -----------------------------------------------------------------------------------


def test_the_download_needs_a_login(client):
    response = client.get(reverse("privacy:export"))

    assert response.status_code == 302


def test_a_person_downloads_their_data_as_json(client, member):
    membership = member.memberships.get()
    application = ApplicationFactory(association=membership.association, created_by=member)
    _attach(application, "statuts.pdf")
    _submit(application, member)
    report = GrantReportFactory(
        grant__application__association=membership.association,
        submitted_by=member,
        activities_done="Douze ateliers.",
    )
    Consent.objects.create(user=member, notice_version="2026-11", ip="10.0.0.1")
    someone_else = ApplicationFactory(association=membership.association)
    client.force_login(member)

    response = client.get(reverse("privacy:export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="donnees-personnelles-')
    data = json.loads(response.content)
    assert data["account"]["email"] == member.email
    assert data["account"]["last_name"] == member.last_name
    assert data["memberships"] == [
        {
            "association_id": membership.association_id,
            "association": membership.association.name_fr,
            "association_ar": membership.association.name_ar,
            "role": "president",
            "since": data["memberships"][0]["since"],
        }
    ]
    applications = {row["id"]: row for row in data["applications"]}
    assert set(applications) == {application.pk, report.grant.application_id}
    assert someone_else.pk not in applications
    mine = applications[application.pk]
    assert mine["documents"] == ["statuts.pdf"]
    assert [version["number"] for version in mine["versions"]] == [1]
    assert mine["versions"][0]["submitted_by_me"] is True
    assert mine["versions"][0]["content"]["project"]["title"] == application.title
    assert [row["activities_done"] for row in data["reports"]] == ["Douze ateliers."]
    assert [(row["notice_version"], row["ip"]) for row in data["consents"]] == [
        ("2026-11", "10.0.0.1")
    ]


# --- Erasure ------------------------------------------------------------------------------------


@pytest.fixture
def person_with_records(member, tmp_path):
    """A president with a draft never submitted (with a file), an unfunded application still
    within its retention period, and a funded one with a signed convention and a payment."""
    association = member.memberships.get().association
    draft = ApplicationFactory(association=association, created_by=member)
    draft_file = _attach(draft).file.name
    pending = ApplicationFactory(association=association, created_by=member)
    _submit(pending, member)
    grant = GrantFactory(application__association=association, application__created_by=member)
    _submit(grant.application, member)
    convention = ConventionFactory(
        kind=Convention.Kind.GRANT, grant=grant, status=Convention.Status.SIGNED
    )
    tranche = TrancheFactory(
        grant=grant,
        status=Tranche.Status.PAID,
        paid_on=dt.date(2026, 3, 1),
        payment_reference="OV-2026-17",
    )
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return {
        "user": member,
        "draft": draft,
        "draft_file": draft_file,
        "pending": pending,
        "grant": grant,
        "convention": convention,
        "tranche": tranche,
        "association": association,
    }


def test_a_person_asks_for_erasure_and_staff_see_the_request(client, person_with_records):
    user = person_with_records["user"]
    client.force_login(user)

    page = client.get(reverse("privacy:mine")).content.decode()
    response = client.post(reverse("privacy:request_erasure"))

    assert response.status_code == 302
    erasure = ErasureRequest.objects.get(user=user)
    assert erasure.status == ErasureRequest.Status.PENDING
    assert erasure.email == user.email
    # the person is told what will be kept and why
    assert "Dossier de subvention (convention, paiements, rapports)" in page
    assert f"convention {person_with_records['convention'].reference}" in page
    staff = user_with_role(Role.STAFF)
    client.force_login(staff)
    listing = client.get(reverse("privacy:requests"))
    assert listing.status_code == 200
    assert user.email in listing.content.decode()


def test_only_staff_see_the_requests(client, outsider):
    erasure = services.request_erasure(UserFactory())
    client.force_login(outsider)

    assert client.get(reverse("privacy:requests")).status_code == 404
    assert client.get(reverse("privacy:request", args=[erasure.pk])).status_code == 404
    assert client.post(reverse("privacy:request", args=[erasure.pk])).status_code == 404
    assert ErasureRequest.objects.get().status == ErasureRequest.Status.PENDING


def test_erasure_removes_what_no_rule_keeps_and_says_what_it_keeps(
    client, person_with_records, password
):
    records = person_with_records
    user = records["user"]
    old_email = user.email
    erasure = services.request_erasure(user)
    staff = user_with_role(Role.STAFF)
    client.force_login(staff)

    response = client.post(reverse("privacy:request", args=[erasure.pk]))

    assert response.status_code == 302
    erasure.refresh_from_db()
    user.refresh_from_db()
    # gone: the account's identity, its login, its memberships, the draft and its file
    assert user.email == f"anonymised-{user.pk}@anonymised.invalid"
    assert (user.first_name, user.last_name, user.phone) == ("", "", "")
    assert not user.is_active
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Application.objects.filter(pk=records["draft"].pk).exists()
    assert not default_storage.exists(records["draft_file"])
    # kept, each with its rule
    assert Application.objects.filter(pk=records["pending"].pk).exists()
    assert Convention.objects.filter(pk=records["convention"].pk).exists()
    assert Tranche.objects.get(pk=records["tranche"].pk).status == Tranche.Status.PAID
    kept = {(item["object"], item["rule"]) for item in erasure.kept}
    grant_rule = "RETENTION_GRANT_YEARS"
    assert kept == {
        (f"dossier {records['pending']}", "RETENTION_UNFUNDED_APPLICATION_YEARS"),
        (f"dossier {records['grant'].application}", grant_rule),
        (f"subvention {records['grant']}", grant_rule),
        (f"convention {records['convention'].reference}", grant_rule),
        (f"tranche {records['tranche']}", grant_rule),
    }
    unfunded = next(item for item in erasure.kept if item["rule"].startswith("RETENTION_UNF"))
    closes = records["pending"].call.closes_at
    assert unfunded["until"] == closes.replace(year=closes.year + 5).date().isoformat()
    assert erasure.status == ErasureRequest.Status.DONE
    assert erasure.processed_by == staff
    erased = [item["object"] for item in erasure.erased]
    assert f"dossier {records['draft']}" in erased
    assert f"association {records['association']}" in erased
    # shown to staff, in the request's history, and to nobody able to log in any more
    page = client.get(reverse("privacy:request", args=[erasure.pk])).content.decode()
    assert "Conservé, et pourquoi" in page
    assert f"convention {records['convention'].reference}" in page
    assert "Dossier non financé : conservé 5 ans après la clôture de son appel." in page
    assert erasure.status_history.get().to_state == "done"
    client.logout()
    assert not client.login(email=old_email, password=password)
    response = client.post(reverse("account_login"), {"login": old_email, "password": password})
    assert "_auth_user_id" not in client.session


def test_a_draft_another_member_can_carry_on_stays_with_the_association(person_with_records):
    records = person_with_records
    colleague = MembershipFactory(association=records["association"]).user
    erasure = services.request_erasure(records["user"])

    services.carry_out_erasure(erasure, by=user_with_role(Role.STAFF))

    draft = Application.objects.get(pk=records["draft"].pk)
    assert draft.association.memberships.filter(user=colleague).exists()
    assert default_storage.exists(records["draft_file"])
    erasure.refresh_from_db()
    assert f"dossier {records['draft']}" not in [item["object"] for item in erasure.erased]


def test_erasure_ends_the_persons_sessions(client, person_with_records):
    user = person_with_records["user"]
    client.force_login(user)
    erasure = services.request_erasure(user)

    services.carry_out_erasure(erasure, by=user_with_role(Role.STAFF))

    response = client.get(reverse("privacy:mine"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_erasure_is_idempotent(client, person_with_records):
    erasure = services.request_erasure(person_with_records["user"])
    staff = user_with_role(Role.STAFF)
    services.carry_out_erasure(erasure, by=staff)
    erasure.refresh_from_db()
    user = User.objects.get(pk=person_with_records["user"].pk)
    state = (erasure.erased, erasure.kept, erasure.processed_at, user.email)
    records = RetentionRecord.objects.count()
    client.force_login(staff)

    again = services.carry_out_erasure(erasure, by=staff)
    response = client.post(reverse("privacy:request", args=[erasure.pk]))

    assert response.status_code == 302
    again.refresh_from_db()
    user.refresh_from_db()
    assert (again.erased, again.kept, again.processed_at, user.email) == state
    assert RetentionRecord.objects.count() == records
    assert services.anonymise_user(user, rule=services.RULE_ERASURE) is None
    assert erasure.status_history.count() == 1


def test_erasure_anonymises_an_application_whose_retention_expired(person_with_records):
    user = person_with_records["user"]
    old = ApplicationFactory(
        association=person_with_records["association"],
        created_by=user,
        call_domain__call__opens_at=timezone.now() - dt.timedelta(days=7 * 365),
        call_domain__call__closes_at=timezone.now() - dt.timedelta(days=6 * 365),
    )
    old_file = _attach(old).file.name
    _submit(old, user)
    erasure = services.request_erasure(user)

    services.carry_out_erasure(erasure)

    old.refresh_from_db()
    assert old.created_by is None
    assert (old.summary, old.objectives, old.activities) == ("", "", "")
    assert old.requested_amount == ApplicationFactory._meta.declarations["requested_amount"]
    assert not default_storage.exists(old_file)
    assert old.submissions.get().submitted_by is None
    assert RetentionRecord.objects.filter(object_id=old.pk, action="anonymised").exists()
    assert f"dossier {old}" not in {item["object"] for item in erasure.kept}
