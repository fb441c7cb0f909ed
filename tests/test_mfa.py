"""Second factor: an authenticator app (TOTP) with recovery codes for the ministry's roles,
compulsory for the roles listed in MFA_REQUIRED_ROLES."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
)
from django.urls import reverse
from django.utils import timezone

from portal.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.pages import page

pytestmark = pytest.mark.django_db

TWO_FACTOR = "Authentification à deux facteurs"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mfa"}
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def clock(time_machine):
    """A clock moved by whole TOTP periods, so that each step gets a fresh code."""
    start = timezone.now()

    def advance(periods=2):
        nonlocal start
        start += dt.timedelta(seconds=30 * periods)
        time_machine.move_to(start, tick=False)

    time_machine.move_to(start, tick=False)
    return advance


def verified(role, email):
    user = UserFactory(email=email, roles=[role])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def code_for(secret):
    counter = int(timezone.now().timestamp()) // 30
    return format_hotp_value(hotp_value(secret, counter))


def logged_in(client):
    return "_auth_user_id" in client.session


def password_login(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def activate_totp(client):
    """Activation first asks for the password again, then shows the QR code and the secret."""
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.url.startswith(reverse("account_reauthenticate"))
    client.post(asked.url, {"password": PASSWORD})
    form = client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    done = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    return form, done, secret


def test_a_committee_member_activates_totp_and_logging_in_then_asks_for_the_code(client, clock):
    user = verified(Role.COMMITTEE, "comite@social.gov.ma")
    password_login(client, user)

    form, done, secret = activate_totp(client)
    codes = client.get(done.url)
    client.post(reverse("account_logout"))
    clock()
    asked = password_login(client, user)
    asked_page = client.get(asked.url)
    wrong = client.post(asked.url, {"code": "000000" if code_for(secret) != "000000" else "111111"})
    not_yet = logged_in(client)
    right = client.post(asked.url, {"code": code_for(secret)})

    assert "Activer une application d'authentification" in page(form)
    assert 'src="data:image/svg+xml;base64,' in form.content.decode()
    assert done.url == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert "Codes de récupération" in page(codes)
    assert asked.url == reverse("mfa_authenticate")
    assert "code à six chiffres" in page(asked_page)
    assert "Code incorrect." in page(wrong)
    assert not not_yet
    assert right.status_code == 302
    assert right.url == reverse("home")
    assert logged_in(client)


def test_a_recovery_code_logs_in_once(client, clock):
    user = verified(Role.MANAGER, "gestion@social.gov.ma")
    password_login(client, user)
    activate_totp(client)
    recovery = Authenticator.objects.get(user=user, type="recovery_codes").wrap()
    code = recovery.get_unused_codes()[0]
    client.post(reverse("account_logout"))

    clock()
    first = client.post(password_login(client, user).url, {"code": code})
    first_in = logged_in(client)
    client.post(reverse("account_logout"))
    clock()
    second = client.post(password_login(client, user).url, {"code": code})

    assert first.status_code == 302
    assert first_in
    assert "Code incorrect." in page(second)
    assert not logged_in(client)


def test_the_account_menu_offers_two_factor_to_ministry_roles_only(client, staff_user, member):
    client.force_login(staff_user)
    staff_home = client.get(reverse("home"))
    client.force_login(member)
    member_home = client.get(reverse("home"))

    assert reverse("mfa_index") in staff_home.content.decode()
    assert TWO_FACTOR in page(staff_home)
    assert reverse("mfa_index") not in member_home.content.decode()


def test_the_two_factor_pages_read_in_arabic_right_to_left(client, settings):
    user = verified(Role.STAFF, "agent@social.gov.ma")
    password_login(client, user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    index = client.get(reverse("mfa_index"))
    activate = client.get(reverse("mfa_activate_totp"))

    assert 'dir="rtl"' in index.content.decode()
    assert "المصادقة الثنائية" in page(index)
    assert "تفعيل تطبيق المصادقة" in page(activate)


def test_a_manager_must_set_up_totp_before_reaching_the_dashboard(client, settings, clock):
    settings.MFA_REQUIRED_ROLES = ["manager"]
    user = verified(Role.MANAGER, "manager@social.gov.ma")

    login = password_login(client, user)
    home = client.get(reverse("home"))
    dashboard = client.get(reverse("reports:dashboard"))
    post = client.post(reverse("reports:bilans"), {})
    setup = client.get(reverse("reports:dashboard"), follow=True)
    _form, done, _secret = activate_totp(client)
    after = client.get(reverse("reports:dashboard"))

    assert login.url == reverse("home")
    assert home.status_code == 302
    assert home.url == reverse("mfa_activate_totp")
    assert dashboard.url == reverse("mfa_activate_totp")
    assert post.url == reverse("mfa_activate_totp")
    assert setup.redirect_chain[0][0] == reverse("mfa_activate_totp")
    assert setup.status_code == 200
    assert "Votre rôle exige l'authentification à deux facteurs" in page(setup)
    assert done.url == reverse("mfa_view_recovery_codes")
    assert after.status_code == 200


def test_a_required_user_can_still_log_out_and_change_language(client, settings):
    settings.MFA_REQUIRED_ROLES = ["administrator"]
    user = verified(Role.ADMINISTRATOR, "chef@social.gov.ma")
    password_login(client, user)

    language = client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    admin = client.get(reverse("admin:index"))
    logout = client.post(reverse("account_logout"))

    assert language.url == "/"
    assert admin.url == reverse("mfa_activate_totp")
    assert logout.status_code == 302
    assert not logged_in(client)


def test_roles_not_listed_are_not_forced(client, settings, member):
    settings.MFA_REQUIRED_ROLES = ["manager"]
    staff = verified(Role.STAFF, "officer@social.gov.ma")
    password_login(client, staff)

    assert client.get(reverse("home")).status_code == 200
    client.force_login(member)
    assert client.get(reverse("home")).status_code == 200


def test_a_misspelt_role_stops_the_portal_from_starting(settings):
    from django.core.exceptions import ImproperlyConfigured

    from portal.mfa import RequireMFAMiddleware

    settings.MFA_REQUIRED_ROLES = ["manager", "committee"]

    with pytest.raises(ImproperlyConfigured, match="committee"):
        RequireMFAMiddleware(lambda request: None)


def test_the_required_roles_come_from_the_environment():
    import os
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import django; from django.conf import settings; django.setup(); "
        "print(','.join(settings.MFA_REQUIRED_ROLES) or '-')"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="portal.settings")
    found = {}
    for value in (None, "staff_officer, committee_member,manager,administrator"):
        env.pop("MFA_REQUIRED_ROLES", None)
        if value:
            env["MFA_REQUIRED_ROLES"] = value
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", probe],
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            check=True,
        )
        found[value] = result.stdout.strip().splitlines()[-1]

    assert found[None] == "-"
    assert found[value] == "staff_officer,committee_member,manager,administrator"
