"""Settings come from the environment, with embedded defaults for a laptop."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'name': settings.DATABASES['default']['NAME'], "
    "'host': settings.DATABASES['default'].get('HOST', ''), "
    "'cache': settings.CACHES['default']['BACKEND'], "
    "'cache_location': settings.CACHES['default'].get('LOCATION', ''), "
    "'broker': settings.CELERY_BROKER_URL, 'eager': settings.CELERY_TASK_ALWAYS_EAGER, "
    "'email': settings.EMAIL_BACKEND, 'tz': settings.TIME_ZONE, "
    "'lang': settings.LANGUAGE_CODE, 'langs': [c for c, _ in settings.LANGUAGES]}))"
)


def _settings_with(env: dict[str, str]) -> dict:
    import json

    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings", VAR_DIR=str(ROOT / "var"))
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_environment_means_sqlite_eager_tasks_and_console_mail():
    found = _settings_with({})

    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"].endswith("var/portal.sqlite3")
    assert found["eager"] is True
    assert found["broker"] == "memory://"
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["email"] == "django.core.mail.backends.console.EmailBackend"
    assert (found["tz"], found["lang"], found["langs"]) == (
        "Africa/Casablanca",
        "fr",
        ["fr", "ar", "en"],
    )


def test_database_url_and_redis_url_switch_to_postgresql_and_redis():
    found = _settings_with(
        {
            "DATABASE_URL": "postgres://portal:secret@db.internal:5432/aap",
            "REDIS_URL": "redis://cache.internal:6379/2",
        }
    )

    assert found["engine"] == "django.db.backends.postgresql"
    assert (found["name"], found["host"]) == ("aap", "db.internal")
    assert found["broker"] == "redis://cache.internal:6379/2"
    assert found["eager"] is False
    assert found["cache"] == "portal.cache.ResilientRedisCache"
    assert found["cache_location"] == "redis://cache.internal:6379/2"


PRODUCTION = {
    "DEBUG": "0",
    "HTTPS": "1",
    "SECRET_KEY": "s" * 20 + "-a-real-production-secret-of-some-length-0123456789",
    "ALLOWED_HOSTS": "aap.social.gov.ma",
    "DATABASE_URL": "postgres://portal:secret@postgres:5432/portal",
    "REDIS_URL": "redis://redis:6379/0",
}


def test_check_deploy_is_clean_with_the_documented_production_variables():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(PRODUCTION, VAR_DIR=str(ROOT / "var"))

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_env_example_lists_the_production_variables():
    text = (ROOT / ".env.example").read_text()
    for name in ("SECRET_KEY", "DEBUG", "HTTPS", "ALLOWED_HOSTS"):
        assert f"{name}=" in text


@pytest.mark.django_db
def test_healthz_answers_before_host_validation(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "storage": "ok",
    }
