"""A module-scoped fixture: ``seed_demo`` once for a whole test module, flushed after it.

Tests still use the ``db`` fixture, so what each test changes is rolled back.
"""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
