"""Failed logins are limited per account and, far more loosely, per client address; the client
address is read behind exactly the number of proxies configured (``TRUSTED_PROXY_COUNT``)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.pages import page

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

TOO_MANY = "Trop de tentatives"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Throttling counts live in the cache: each test starts from zero."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()


def verified_user(email):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _login(client, email, password, **headers):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, headers=headers
    )


def _refused(response):
    """Refused by the failed-login limit, or by the per-address limit on every login post."""
    return response.status_code == 429 or TOO_MANY in page(response)


def _logged_in(response):
    return response.status_code == 302 and response.url == reverse("home")


def _ip_limit():
    """The per-address threshold of failed logins, as configured."""
    rates = django_settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    return next(int(rate.split("/")[0]) for rate in rates if rate.endswith("/ip"))


def test_the_per_address_limit_is_much_higher_than_the_per_account_one():
    rates = {
        rate.split("/")[2]: int(rate.split("/")[0])
        for rate in django_settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    }

    assert rates["ip"] >= 5 * rates["key"]


def test_a_hammered_account_is_locked_but_its_neighbours_still_log_in(client):
    verified_user("cible@asso.ma")
    verified_user("voisine@asso.ma")

    wrong = [_login(client, "cible@asso.ma", "wrong-password-1") for _ in range(20)]
    right = _login(client, "cible@asso.ma", PASSWORD)
    neighbour = _login(client, "voisine@asso.ma", PASSWORD)

    assert TOO_MANY in page(wrong[-1])
    assert not _logged_in(right)
    assert TOO_MANY in page(right)
    assert _logged_in(neighbour)


def test_a_spoofed_forwarded_for_does_not_escape_the_address_limit(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    verified_user("victime@asso.ma")
    limit = _ip_limit()

    # Password spraying: one try per account, a new forged address each time.
    spray = [
        _login(client, f"compte{n}@asso.ma", "wrong-password-1", x_forwarded_for=f"10.9.{n}.1")
        for n in range(limit)
    ]
    after = _login(client, "victime@asso.ma", PASSWORD, x_forwarded_for="10.200.0.1")

    assert all(TOO_MANY not in page(response) for response in spray)
    assert _refused(after)
    assert not _logged_in(after)


def test_behind_one_proxy_each_client_address_is_counted_on_its_own(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    verified_user("agent@asso.ma")
    limit = _ip_limit()

    # The proxy appends the real client address last; anything before it is the client's word.
    spray = [
        _login(client, f"compte{n}@asso.ma", "wrong", x_forwarded_for=f"1.2.3.{n}, 192.0.2.7")
        for n in range(limit)
    ]
    same_client = _login(client, "agent@asso.ma", PASSWORD, x_forwarded_for="192.0.2.7")
    other_client = _login(
        client, "agent@asso.ma", PASSWORD, x_forwarded_for="192.0.2.7, 198.51.100.4"
    )

    assert TOO_MANY not in page(spray[-1])
    assert _refused(same_client)
    assert _logged_in(other_client)


@pytest.mark.parametrize(("env", "expected"), [({}, 0), ({"TRUSTED_PROXY_COUNT": "1"}, 1)])
def test_the_proxy_count_comes_from_the_environment(env, expected):
    probe = (
        "import django; from django.conf import settings; django.setup(); "
        "from allauth import app_settings; print(app_settings.TRUSTED_PROXY_COUNT)"
    )
    clean = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXY_COUNT"}
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip().splitlines()[-1] == str(expected)
