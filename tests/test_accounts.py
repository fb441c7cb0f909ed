"""Accounts: sign-up with e-mail verification, login by e-mail, throttling, password rules."""

import hashlib
import io
import re

import pytest
from django.core import mail
from django.urls import reverse

from portal import passwords
from portal.models import User
from tests.pages import page

pytestmark = pytest.mark.django_db

STRONG = "Tamazirt-2026-Atlas!"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Throttling counts live in the cache: each test starts from zero."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    from django.core.cache import cache

    cache.clear()


def _signup(client, email="salma@asso.ma", password=STRONG):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": password,
            "password2": password,
            "personal_data_consent": "on",
        },
    )


def test_sign_up_verify_the_email_then_log_in_by_email(client):
    response = _signup(client)
    user = User.objects.get(email="salma@asso.ma")
    blocked = client.post(reverse("account_login"), {"login": "salma@asso.ma", "password": STRONG})

    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/", mail.outbox[0].body)
    confirm = client.post(link.group(0).split("testserver", 1)[-1])
    client.logout()
    login = client.post(reverse("account_login"), {"login": "salma@asso.ma", "password": STRONG})

    assert response.status_code == 302
    assert user.emailaddress_set.get().verified is True
    assert blocked.url == reverse("account_email_verification_sent")
    assert confirm.status_code == 302
    assert login.status_code == 302
    assert login.url == reverse("home")
    assert client.get(reverse("grants:my_applications")).status_code == 200


@pytest.mark.parametrize("weak", ["motdepasse", "1234567890123", "salma@asso.ma1"])
def test_weak_passwords_are_refused_with_a_message(client, weak):
    response = _signup(client, password=weak)

    assert response.status_code == 200
    assert not User.objects.exists()
    assert "mot de passe" in page(response).lower()


def test_a_breached_password_is_refused(client, settings, monkeypatch):
    settings.PWNED_PASSWORDS_URL = "https://breaches.example/range/"
    digest = hashlib.sha1(STRONG.encode()).hexdigest().upper()  # noqa: S324
    asked = []

    def fake_urlopen(request, timeout):
        asked.append(request.full_url)
        return io.BytesIO(f"0000000000000000000000000000000000A:1\n{digest[5:]}:42\n".encode())

    monkeypatch.setattr(passwords.urllib.request, "urlopen", fake_urlopen)

    response = _signup(client)

    assert asked == [f"https://breaches.example/range/{digest[:5]}"]  # only the prefix leaves
    assert "fuites de données" in page(response)
    assert not User.objects.exists()


def test_an_unreachable_breach_service_does_not_block_sign_up(client, settings, monkeypatch):
    settings.PWNED_PASSWORDS_URL = "https://breaches.example/range/"

    def down(request, timeout):
        raise OSError("network unreachable")

    monkeypatch.setattr(passwords.urllib.request, "urlopen", down)

    _signup(client)

    assert User.objects.filter(email="salma@asso.ma").exists()


def test_repeated_failed_logins_are_throttled(client):
    _signup(client)
    client.logout()
    attempts = [
        client.post(reverse("account_login"), {"login": "salma@asso.ma", "password": "wrong-one-1"})
        for _ in range(6)
    ]

    assert all(a.status_code == 200 for a in attempts)
    assert "Trop de tentatives" in page(attempts[-1]) or "trop de tentatives" in page(attempts[-1])
    assert "Trop de tentatives" not in page(attempts[0])


def test_password_reset_sends_a_link(client):
    _signup(client)
    mail.outbox.clear()

    client.post(reverse("account_reset_password"), {"email": "salma@asso.ma"})

    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
