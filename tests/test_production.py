"""The portal as it is deployed: DEBUG=0, static files collected by the production storage,
a real SECRET_KEY, hosts validated."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from portal.checks import DEVELOPMENT_SECRET_KEY, PLACEHOLDER_SECRET_KEY
from tests.factories import CallDomainFactory

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 10 + "-a-production-secret-long-enough-for-the-check-0123456789"
MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"
HASHED_CSS = re.compile(r"/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css")


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"}
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", **extra)
    env.setdefault("VAR_DIR", str(ROOT / "var"))
    return env


def _run(args: list[str], env: dict[str, str], timeout: int = 120):
    return subprocess.run(  # noqa: S603
        args, env=env, cwd=ROOT, capture_output=True, text=True, check=False, timeout=timeout
    )


# --- Static files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """collectstatic exactly as the Dockerfile runs it (DEBUG=0, so the manifest storage)."""
    var_dir = tmp_path_factory.mktemp("var")
    result = _run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        _env(DEBUG="0", SECRET_KEY="build-only", VAR_DIR=str(var_dir)),
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return var_dir / "static"


def test_collectstatic_with_the_production_storage_succeeds(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]

    for name in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.rtl.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/htmx/htmx.min.js",
        "css/portal.css",
    ):
        assert (collected / manifest[name]).is_file(), name
    assert (collected / (manifest["vendor/bootstrap/bootstrap.min.css"] + ".gz")).is_file()


def test_no_vendored_file_names_a_source_map_it_does_not_ship():
    vendor = ROOT / "static" / "vendor"
    for path in [*vendor.rglob("*.css"), *vendor.rglob("*.js")]:
        for name in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(encoding="utf-8")):
            assert (path.parent / name).is_file(), f"{path} names {name}"


@pytest.fixture
def production(settings, collected):
    settings.DEBUG = False
    settings.STATIC_ROOT = collected
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    settings.WHITENOISE_USE_FINDERS = False
    settings.ALLOWED_HOSTS = ["aap.social.gov.ma"]
    return settings


@pytest.mark.django_db
def test_pages_render_with_hashed_static_urls_when_debug_is_off(production, client):
    call = CallDomainFactory().call
    pages = [
        reverse("home"),
        reverse("account_login"),
        reverse("calls:detail", args=[call.programme.code, call.edition]),
    ]

    for url in pages:
        response = client.get(url, HTTP_HOST="aap.social.gov.ma")
        assert response.status_code == 200, url
        assert HASHED_CSS.search(response.text), url
        assert "/static/vendor/bootstrap/bootstrap.min.css" not in response.text

    stylesheet = HASHED_CSS.search(response.text).group(0)
    served = client.get(stylesheet, HTTP_HOST="aap.social.gov.ma")
    assert served.status_code == 200
    assert b"Bootstrap" in b"".join(served.streaming_content)


@pytest.mark.django_db
def test_missing_page_renders_the_404_page(production, client):
    response = client.get("/nulle-part/", HTTP_HOST="aap.social.gov.ma")

    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert HASHED_CSS.search(response.text)


@pytest.mark.django_db
def test_disallowed_host_gets_400_in_the_portal_layout(production, client):
    response = client.get("/", HTTP_HOST="attaquant.example")

    assert response.status_code == 400
    assert "Requête invalide" in response.text
    assert "Royaume du Maroc" in response.text  # the layout's footer
    assert HASHED_CSS.search(response.text)


@pytest.mark.django_db
def test_disallowed_host_is_logged_as_one_warning_line_without_traceback(production, client):
    import logging
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    handler = logging.getLogger("django.security.DisallowedHost").handlers[0]
    records: list[logging.LogRecord] = []
    handler.emit = records.append

    client.get("/", HTTP_HOST="attaquant.example")

    assert [(r.levelname, r.exc_info) for r in records] == [("WARNING", None)]
    assert "attaquant.example" in records[0].getMessage()


@pytest.mark.django_db
def test_disallowed_host_gets_400_behind_https(production, client):
    production.SECURE_SSL_REDIRECT = True
    production.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = client.get(
        reverse("account_login"), HTTP_HOST="attaquant.example", HTTP_X_FORWARDED_PROTO="https"
    )

    assert response.status_code == 400
    assert "Requête invalide" in response.text


# --- SECRET_KEY -------------------------------------------------------------------------------


def _check_deploy(**env: str):
    return _run(
        [sys.executable, "manage.py", "check", "--deploy"],
        _env(HTTPS="1", ALLOWED_HOSTS="aap.social.gov.ma", **env),
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (None, "development default"),
        (DEVELOPMENT_SECRET_KEY, "development default"),
        (PLACEHOLDER_SECRET_KEY, "placeholder of .env.example"),
        ("Zq8" * 16, "48 characters"),
    ],
    ids=["unset", "development-default", "env-example-placeholder", "short"],
)
def test_check_deploy_fails_with_a_key_anyone_can_read(key, reason):
    env = {"DEBUG": "0"} if key is None else {"DEBUG": "0", "SECRET_KEY": key}

    result = _check_deploy(**env)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "portal.E001" in output
    assert reason in output
    assert "secrets.token_urlsafe(50)" in output


def test_check_deploy_passes_with_a_long_random_key():
    result = _check_deploy(DEBUG="0", SECRET_KEY=GOOD_KEY)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "portal.E001" not in result.stdout + result.stderr


def test_development_key_is_accepted_with_debug_on():
    result = _check_deploy(DEBUG="1")

    assert "portal.E001" not in result.stdout + result.stderr


def test_web_application_refuses_to_load_with_the_development_key():
    probe = "import portal.wsgi; print('loaded')"

    refused = _run([sys.executable, "-c", probe], _env(DEBUG="0"))
    loaded = _run([sys.executable, "-c", probe], _env(DEBUG="0", SECRET_KEY=GOOD_KEY))

    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr
    assert "secrets.token_urlsafe(50)" in refused.stderr
    assert "loaded" not in refused.stdout
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded" in loaded.stdout


def test_bare_gunicorn_exits_with_the_placeholder_key():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = _run(
        [str(gunicorn), "portal.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"],
        _env(DEBUG="0", SECRET_KEY=PLACEHOLDER_SECRET_KEY),
        timeout=60,
    )

    assert result.returncode != 0
    assert "placeholder of .env.example" in result.stderr


# --- E-mail to files --------------------------------------------------------------------------


def test_email_backend_and_file_path_come_from_the_environment(tmp_path):
    probe = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH]))"
    )
    backend = "django.core.mail.backends.filebased.EmailBackend"

    result = _run(
        [sys.executable, "-c", probe],
        _env(EMAIL_BACKEND=backend, EMAIL_FILE_PATH=str(tmp_path / "mail")),
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        backend,
        str(tmp_path / "mail"),
    ]
