"""The admin has no login form of its own: it sends people to the portal's rate-limited login."""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from portal.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.pages import page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "al"}
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def administrator():
    user = UserFactory(email="admin@social.gov.ma", is_staff=True, roles=[Role.ADMINISTRATOR])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _logged_in(client):
    return "_auth_user_id" in client.session


def test_the_admin_login_page_sends_to_the_portal_login_with_next(client):
    response = client.get(reverse("admin:login"), {"next": reverse("admin:index")})

    target = urlparse(response.url)
    assert response.status_code == 302
    assert target.path == reverse("account_login")
    assert parse_qs(target.query)["next"] == [reverse("admin:index")]


def test_an_outside_next_is_dropped(client):
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/"})

    assert parse_qs(urlparse(response.url).query)["next"] == [reverse("admin:index")]


def test_the_admin_login_page_accepts_no_password(client, administrator):
    posts = [
        client.post(
            reverse("admin:login"),
            {"username": administrator.email, "password": f"wrong-{n}", "next": "/"},
        )
        for n in range(20)
    ]
    right = client.post(
        reverse("admin:login"), {"username": administrator.email, "password": PASSWORD}
    )

    assert {p.status_code for p in posts} == {302}
    assert right.status_code == 302
    assert urlparse(right.url).path == reverse("account_login")
    assert not _logged_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_twenty_wrong_passwords_then_the_right_one_is_refused(client, administrator):
    login_url = reverse("admin:login")
    for n in range(20):
        client.post(
            client.get(login_url).url,
            {"login": administrator.email, "password": f"wrong-{n}"},
        )

    right = client.post(
        client.get(login_url).url, {"login": administrator.email, "password": PASSWORD}
    )

    assert "Trop de tentatives" in page(right)
    assert not _logged_in(client)


def test_an_administrator_reaches_the_admin_through_the_portal_login(client, administrator):
    to_login = client.get(reverse("admin:index"), follow=True)

    response = client.post(
        to_login.wsgi_request.get_full_path(),
        {"login": administrator.email, "password": PASSWORD},
    )

    assert to_login.wsgi_request.path == reverse("account_login")
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_logged_in_user_without_admin_access_is_refused_not_looped(client, member):
    client.force_login(member)

    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 403
