"""The audit log: what is recorded (through the real views), the administrators' page, and
entries that nobody can change or delete."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from associations.models import Region
from audit.models import AppendOnly, AuditEntry
from audit.services import record
from grants.models import ApplicationDocument
from grants.services import evaluation as services
from portal.roles import Role
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    AssociationFactory,
    CallDomainFactory,
    CallFactory,
    CriterionFactory,
    MembershipFactory,
    ProgrammeFactory,
    RegionFactory,
    UserFactory,
    user_with_role,
)
from tests.pages import page

pytestmark = pytest.mark.django_db

Kind = AuditEntry.Kind
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Audit/1.0"


@pytest.fixture
def capture_on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Login limits count in the cache: each test starts from zero; MD5 keeps logins fast."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "au"}
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()


def entries(kind):
    return list(AuditEntry.objects.filter(kind=kind))


def only(kind) -> AuditEntry:
    found = entries(kind)
    assert len(found) == 1, found
    return found[0]


def _document(application):
    return ApplicationDocument.objects.create(
        application=application,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="cin.pdf"),
        original_name="cin.pdf",
        content_type="application/pdf",
        size=15,
    )


# --- Logins ---------------------------------------------------------------------------------


def _verified(email):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_a_login_through_the_login_form_is_recorded_with_who_and_where(client):
    user = _verified("nadia@example.ma")

    response = client.post(
        reverse("account_login"),
        {"login": "nadia@example.ma", "password": PASSWORD},
        REMOTE_ADDR="196.200.10.7",
        HTTP_USER_AGENT=BROWSER,
    )

    entry = only(Kind.LOGIN_SUCCEEDED)
    assert response.status_code == 302
    assert (entry.actor, entry.actor_email) == (user, "nadia@example.ma")
    assert (entry.ip_address, entry.user_agent) == ("196.200.10.7", BROWSER)
    assert entries(Kind.LOGIN_FAILED) == []


def test_a_wrong_password_is_recorded_with_the_identifier_and_no_password(client):
    _verified("nadia@example.ma")

    response = client.post(
        reverse("account_login"),
        {"login": "Nadia@Example.ma", "password": "not-the-password"},
        REMOTE_ADDR="196.200.10.8",
    )

    entry = only(Kind.LOGIN_FAILED)
    assert response.status_code == 200
    assert "incorrect" in page(response)
    assert (entry.actor, entry.actor_email, entry.ip_address) == (
        None,
        "nadia@example.ma",  # as the login form passes it on: lowercased
        "196.200.10.8",
    )
    assert "not-the-password" not in str(entry.detail)
    assert entries(Kind.LOGIN_SUCCEEDED) == []


def test_an_unknown_account_is_recorded_too(client):
    client.post(reverse("account_login"), {"login": "ghost@example.ma", "password": "x" * 12})

    assert only(Kind.LOGIN_FAILED).actor_email == "ghost@example.ma"


def test_behind_the_proxy_the_address_is_the_one_the_login_limits_read(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    _verified("nadia@example.ma")

    client.post(
        reverse("account_login"),
        {"login": "nadia@example.ma", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 41.250.3.9",
    )

    assert only(Kind.LOGIN_SUCCEEDED).ip_address == "41.250.3.9"


def test_a_logout_is_recorded(client, member):
    client.force_login(member)

    client.post(reverse("account_logout"), REMOTE_ADDR="196.200.10.9")

    entry = only(Kind.LOGOUT)
    assert (entry.actor, entry.ip_address) == (member, "196.200.10.9")


# --- Exports, bilans ------------------------------------------------------------------------


@pytest.fixture
def call_under_review():
    line = CallDomainFactory(envelope=Decimal("500000"), max_grant=Decimal("200000"))
    CriterionFactory(call=line.call)
    staff = user_with_role(Role.STAFF)
    application = ApplicationFactory(
        call_domain=line, status="submitted", reference="AAP-2026-X-00001"
    )
    services.declare_admissible(application, by=staff)
    return {"call": line.call, "application": application, "staff": staff}


def test_an_export_of_the_workspace_is_recorded_with_its_filters(client, call_under_review):
    call, staff = call_under_review["call"], call_under_review["staff"]
    client.force_login(staff)
    url = reverse("grants:workspace", args=[call.pk])

    client.get(url, {"q": "X-00001"})  # the page: no export
    response = client.get(url, {"q": "X-00001", "export": "csv"}, REMOTE_ADDR="196.200.1.1")

    entry = only(Kind.EXPORT)
    assert response.status_code == 200
    assert (entry.actor, entry.ip_address) == (staff, "196.200.1.1")
    assert entry.content_type == ContentType.objects.get(app_label="grants", model="application")
    assert entry.detail == {
        "file": f"dossiers-{call.programme.code}-{call.edition}.csv",
        "format": "csv",
        "rows": 1,
        "filters": {"q": "X-00001"},
    }


def test_a_bilan_order_is_recorded(client, manager):
    programme = ProgrammeFactory()
    call = CallFactory(programme=programme, status="closed")
    client.force_login(manager)

    response = client.post(
        reverse("reports:bilans"),
        {"programme": programme.code, "call": call.pk, "language": "ar", "format": "xlsx"},
        REMOTE_ADDR="196.200.2.2",
    )

    entry = only(Kind.BILAN_ORDERED)
    assert response.status_code == 302
    assert (entry.actor, entry.ip_address) == (manager, "196.200.2.2")
    assert entry.content_type.model == "reportjob"
    assert entry.detail["language"] == "ar"
    assert entry.detail["format"] == "xlsx"
    assert entry.detail["reused"] is False


# --- The admin ------------------------------------------------------------------------------


def test_a_change_in_the_admin_is_recorded_once(client, admin_user):
    region = RegionFactory()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:associations_region_delete", args=[region.pk]),
        {"post": "yes"},
        REMOTE_ADDR="196.200.3.3",
    )

    entry = only(Kind.ADMIN_CHANGE)
    assert response.status_code == 302
    assert not Region.objects.filter(pk=region.pk).exists()
    assert (entry.actor, entry.ip_address) == (admin_user, "196.200.3.3")
    assert (entry.content_type.model, entry.object_id) == ("region", str(region.pk))
    assert entry.detail["action"] == "deleted"


def test_a_bulk_deletion_in_the_admin_records_each_object(client, admin_user):
    regions = [RegionFactory(), RegionFactory()]
    client.force_login(admin_user)

    client.post(
        reverse("admin:associations_region_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in regions], "post": "yes"},
    )

    recorded = entries(Kind.ADMIN_CHANGE)
    assert Region.objects.filter(pk__in=[r.pk for r in regions]).count() == 0
    assert sorted(e.object_id for e in recorded) == sorted(str(r.pk) for r in regions)
    assert {e.actor for e in recorded} == {admin_user}


def test_an_export_from_the_admin_is_recorded(client, admin_user):
    AssociationFactory()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:associations_association_export"),
        {
            "format": "1",  # CSV
            "resource": "0",
            "associationresource_registration_number": "on",
            "associationresource_name_fr": "on",
        },
        REMOTE_ADDR="196.200.3.4",
    )

    entry = only(Kind.EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (entry.actor, entry.ip_address) == (admin_user, "196.200.3.4")
    assert entry.content_type.model == "association"
    assert (entry.detail["format"], entry.detail["rows"]) == ("csv", 1)


def test_an_admin_import_is_recorded_once_it_has_written_its_rows(
    client, admin_user, capture_on_commit
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.models import ImportJob
    from tests.factories import ProvinceFactory
    from tests.test_import_jobs import XLSX_TYPE, _xlsx

    province = ProvinceFactory()
    content = _xlsx([["REC-7", "Association Tadamoun", province.region.code, province.code, None]])
    client.force_login(admin_user)
    with capture_on_commit(execute=True):
        client.post(
            reverse("admin:associations_association_import"),
            {
                "import_file": SimpleUploadedFile("a.xlsx", content, content_type=XLSX_TYPE),
                "format": "0",
                "resource": "0",
            },
        )
    job = ImportJob.objects.get()
    assert entries(Kind.ADMIN_CHANGE) == []  # a dry run changes nothing

    with capture_on_commit(execute=True):
        client.post(
            reverse("admin:associations_association_import_job", args=[job.pk]), {"confirm": "1"}
        )

    entry = only(Kind.ADMIN_CHANGE)
    assert entry.actor == admin_user
    assert (entry.content_type.model, entry.object_id) == ("importjob", str(job.pk))
    assert entry.detail == {
        "action": "imported",
        "model": "associations.association",
        "file": "a.xlsx",
        "rows": {"new": 1, "update": 0, "delete": 0},
    }


# --- Documents holding personal data --------------------------------------------------------


def test_a_staff_download_of_an_application_document_is_recorded(client, call_under_review):
    application, staff = call_under_review["application"], call_under_review["staff"]
    document = _document(application)
    client.force_login(staff)

    response = client.get(
        reverse("grants:document", args=[application.pk, document.pk]), REMOTE_ADDR="196.200.4.4"
    )

    entry = only(Kind.DOCUMENT_DOWNLOADED)
    assert response.status_code == 200
    assert (entry.actor, entry.ip_address) == (staff, "196.200.4.4")
    assert entry.content_type == ContentType.objects.get_for_model(ApplicationDocument)
    assert entry.object_id == str(document.pk)
    assert entry.detail == {"file": "cin.pdf"}


def test_the_associations_own_download_is_not_recorded(client, call_under_review):
    application = call_under_review["application"]
    document = _document(application)
    member = MembershipFactory(association=application.association).user
    client.force_login(member)

    response = client.get(reverse("grants:document", args=[application.pk, document.pk]))

    assert response.status_code == 200
    assert entries(Kind.DOCUMENT_DOWNLOADED) == []


# --- The page -------------------------------------------------------------------------------


@pytest.fixture
def log(admin_user):
    """Three entries: two people, two kinds, two days."""
    nadia = UserFactory(email="nadia@example.ma")
    omar = UserFactory(email="omar@example.ma")
    region = RegionFactory()
    record(kind=Kind.LOGIN_SUCCEEDED, actor=nadia)
    record(kind=Kind.ADMIN_CHANGE, actor=omar, obj=region, detail={"action": "changed"})
    record(kind=Kind.LOGIN_FAILED, actor_email="intrus@example.ma")
    return {"nadia": nadia, "omar": omar, "region": region}


@pytest.mark.parametrize("who", ["staff_user", "manager", "reviewer", "committee_member", "member"])
def test_only_administrators_read_the_log(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("audit:entries")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("audit:entries"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_administrator_reads_the_log_in_french(client, admin_user, log):
    client.force_login(admin_user)

    text = page(client.get(reverse("audit:entries")))

    assert "Journal d'audit" in text
    assert "intrus@example.ma" in text
    assert "Échec de connexion" in text
    assert "omar@example.ma" in text


def test_the_page_reads_in_arabic(client, settings, admin_user, log):
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    text = page(client.get(reverse("audit:entries")))

    assert 'dir="rtl"' in text
    assert "سجل التدقيق" in text
    assert "محاولة دخول فاشلة" in text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"person": "omar"}, {"omar@example.ma"}),
        ({"kind": "login_failed"}, {"intrus@example.ma"}),
        ({"object_type": "associations.region"}, {"omar@example.ma"}),
        ({"kind": "login_succeeded", "person": "omar"}, set()),
    ],
)
def test_the_filters_choose_the_entries(client, admin_user, log, params, expected):
    client.force_login(admin_user)

    rows = _exported(client, params)

    assert {row["Qui"] for row in rows} == expected


def test_the_object_and_account_filters(client, admin_user, log):
    client.force_login(admin_user)

    by_object = _exported(client, {"object_id": str(log["region"].pk)})
    by_account = _exported(client, {"actor": str(log["nadia"].pk)})

    assert [row["Qui"] for row in by_object] == ["omar@example.ma"]
    assert [row["Qui"] for row in by_account] == ["nadia@example.ma"]


def test_the_period_filter(client, admin_user, log):
    today = timezone.localdate()
    client.force_login(admin_user)

    now = _exported(client, {"date_from": today.isoformat(), "date_to": today.isoformat()})
    before = _exported(client, {"date_to": (today - dt.timedelta(days=1)).isoformat()})
    after = _exported(client, {"date_from": (today + dt.timedelta(days=1)).isoformat()})

    # the administrator's own login (force_login) and exports are in the log too
    assert {row["Qui"] for row in now} == {
        "nadia@example.ma",
        "omar@example.ma",
        "intrus@example.ma",
        admin_user.email,
    }
    assert before == []
    assert after == []


def test_an_invalid_filter_is_a_400(client, admin_user):
    client.force_login(admin_user)

    assert client.get(reverse("audit:entries"), {"date_from": "2026-13-45"}).status_code == 400
    assert client.get(reverse("audit:entries"), {"actor": "x"}).status_code == 400


def test_exporting_the_log_is_itself_recorded(client, admin_user, log):
    client.force_login(admin_user)

    rows = _exported(client, {"kind": "login_failed"}, fmt="xlsx")

    entry = AuditEntry.objects.filter(kind=Kind.EXPORT).get()
    assert rows == []  # (xlsx: not parsed here)
    assert entry.actor == admin_user
    assert entry.content_type == ContentType.objects.get_for_model(AuditEntry)
    assert entry.detail["filters"] == {"kind": "login_failed"}
    assert entry.detail["rows"] == 1


def _exported(client, params, fmt="csv"):
    response = client.get(reverse("audit:entries"), {**params, "export": fmt})
    assert response.status_code == 200
    if fmt != "csv":
        return []
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


# --- Append-only ----------------------------------------------------------------------------


def test_an_entry_cannot_be_changed_or_deleted_through_the_model():
    entry = record(kind=Kind.EXPORT, actor_email="a@example.ma")
    entry.actor_email = "b@example.ma"

    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_email="b@example.ma")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.bulk_update([entry], ["actor_email"])

    assert AuditEntry.objects.get().actor_email == "a@example.ma"


def test_the_admin_shows_the_log_read_only(client, admin_user):
    entry = record(kind=Kind.EXPORT, actor_email="a@example.ma")
    client.force_login(admin_user)

    listing = client.get(reverse("admin:audit_auditentry_changelist"))
    add = client.get(reverse("admin:audit_auditentry_add"))
    delete = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    change = client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"actor_email": "b@example.ma"}
    )

    assert listing.status_code == 200
    assert add.status_code == 403
    assert delete.status_code == 403
    assert change.status_code == 403
    assert AuditEntry.objects.filter(kind=Kind.EXPORT).get().actor_email == "a@example.ma"


def test_deleting_a_user_keeps_their_entries():
    user = UserFactory(email="left@example.ma")
    record(kind=Kind.LOGIN_SUCCEEDED, actor=user)

    user.delete()

    entry = AuditEntry.objects.get()
    assert (entry.actor_id is not None, entry.actor_email) == (True, "left@example.ma")


def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL (set DATABASE_URL)")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET actor_email = 'b@example.ma'",
        "DELETE FROM audit_auditentry",
        "TRUNCATE audit_auditentry",
    ],
)
def test_postgresql_refuses_raw_updates_deletes_and_truncates(sql):
    _postgresql()
    record(kind=Kind.EXPORT, actor_email="a@example.ma")

    with connection.cursor() as cursor:
        # the tests' sessions allow TRUNCATE (tests/conftest.py); not this transaction
        cursor.execute("SET LOCAL audit.allow_truncate = off")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute(sql)

    assert AuditEntry.objects.get().actor_email == "a@example.ma"
