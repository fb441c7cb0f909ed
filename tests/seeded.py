"""A module-scoped fixture: ``seed_demo`` once for a whole test module, flushed after it.

Tests still use the ``db`` fixture, so what each test changes is rolled back.
"""

import pytest
from django.core.management import call_command
from django.test import override_settings


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once; yields the folder the seeding's files are in (the tests' media root)."""
    from django.conf import settings

    from tests.conftest import media_storages

    media = tmp_path_factory.mktemp("seeded-media")
    with (
        override_settings(MEDIA_ROOT=media, STORAGES=media_storages(settings.STORAGES, media)),
        django_db_blocker.unblock(),
    ):
        call_command("seed_demo", verbosity=0)
    yield media
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
