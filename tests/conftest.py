"""Shared fixtures: the three standing users of ownership tests, and a client per role."""

import pytest

from portal.roles import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory, user_with_role


def pytest_collection_modifyitems(items):
    """Tests that start a real Celery worker share one Redis queue: under pytest-xdist they run
    in one process (``--dist loadgroup``), so no worker takes another test's job."""
    for item in items:
        if item.get_closest_marker("celery"):
            item.add_marker(pytest.mark.xdist_group("celery"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL the flush between transactional tests truncates every table, which the
    audit log's trigger refuses unless the session sets ``audit.allow_truncate``
    (audit/migrations/0002): the tests' connections set it."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c audit.allow_truncate=on".strip()


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path):
    """Every test writes its files in its own folder; on the seeded data, in the folder the
    seeding wrote its files to."""
    root = request.getfixturevalue("seeded") if "seeded" in request.fixturenames else None
    settings.MEDIA_ROOT = root or tmp_path / "media"
    settings.STORAGES = media_storages(settings.STORAGES, settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def _eager_tasks(request):
    """Tasks run in the test's own process and transaction, with or without REDIS_URL.

    Tests marked ``celery`` start a real worker on Redis and opt out.
    """
    from portal.celery import app

    if request.node.get_closest_marker("celery"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Arabic leaves Arabic active in the thread; the next test starts in French."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_breach_service(settings):
    """Tests never call the breached-password service; its own test fakes the answer."""
    settings.PWNED_PASSWORDS_URL = ""


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def member(db):
    """A president of a verified association."""
    return MembershipFactory().user


@pytest.fixture
def outsider(db):
    """A logged-in association member with no link to the objects under test."""
    return MembershipFactory().user


@pytest.fixture
def staff_user(db):
    return user_with_role(Role.STAFF, is_staff=True)


@pytest.fixture
def manager(db):
    return user_with_role(Role.MANAGER)


@pytest.fixture
def reviewer(db):
    return user_with_role(Role.REVIEWER)


@pytest.fixture
def committee_member(db):
    return user_with_role(Role.COMMITTEE)


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR])


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in as ``user`` and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def media_storages(storages: dict, root) -> dict:
    return {
        **storages,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": "/unserved/"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
