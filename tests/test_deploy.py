"""The deployment files: docker-compose.yml, the Dockerfile, the nginx proxy and `make prod`."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "deploy" / "check-compose.sh"

needs_compose_and_nginx = pytest.mark.skipif(
    not (shutil.which("docker-compose") and shutil.which("nginx") and shutil.which("openssl")),
    reason="docker-compose, nginx and openssl are needed to check the deployment files",
)


def _run(args, env=None, timeout=120):
    return subprocess.run(  # noqa: S603
        args, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=timeout
    )


@needs_compose_and_nginx
def test_compose_file_and_nginx_configuration_pass_the_deployment_check():
    result = _run([str(CHECK)])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "syntax is ok" in result.stderr


@needs_compose_and_nginx
@pytest.mark.parametrize(
    ("original", "changed", "problem"),
    [
        (
            "    expose:\n",
            '    ports:\n      - "8000:8000"\n    expose:\n',
            "web publishes a host port",
        ),
        (
            "/etc/nginx/templates/default.conf.template:ro",
            "/etc/nginx/templates/default.conf.template",
            "read-only",
        ),
        ('command: ["deploy/run.sh", "worker"]', 'command: ["celery", "worker"]', "worker"),
    ],
    ids=["web-port", "proxy-config-writable", "worker-command"],
)
def test_deployment_check_fails_on_a_compose_file_out_of_shape(
    tmp_path, original, changed, problem
):
    text = (ROOT / "docker-compose.yml").read_text()
    assert original in text
    bad = tmp_path / "docker-compose.yml"
    bad.write_text(text.replace(original, changed, 1))

    result = _run([str(CHECK)], env={**os.environ, "COMPOSE_FILE_TO_CHECK": str(bad)})

    assert result.returncode == 1
    assert problem in result.stderr


def test_proxy_limits_bodies_to_the_portals_request_limit():
    compose = (ROOT / "docker-compose.yml").read_text()
    default = re.search(r"CLIENT_MAX_BODY_SIZE: \$\{REQUEST_MAX_BYTES:-(\d+)\}", compose)

    assert default, "the proxy's body limit is not REQUEST_MAX_BYTES"
    assert int(default.group(1)) == settings.UPLOAD_MAX_BYTES + 1024 * 1024
    template = (ROOT / "deploy" / "nginx" / "portal.conf.template").read_text()
    assert "client_max_body_size ${CLIENT_MAX_BODY_SIZE};" in template
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in template
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in template


def test_dockerignore_keeps_local_state_out_of_the_image():
    entries = set((ROOT / ".dockerignore").read_text().split())

    for entry in (".git", ".venv", "var", ".env", "node_modules", "**/__pycache__"):
        assert entry in entries


def test_image_creates_the_media_volume_path_for_its_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "VAR_DIR=/var/lib/portal" in dockerfile
    assert 'mkdir -p "$VAR_DIR/media"' in dockerfile
    assert 'chown -R portal "$VAR_DIR"' in dockerfile
    assert dockerfile.index("chown -R portal") < dockerfile.index("USER portal")
    assert "media:/var/lib/portal/media" in (ROOT / "docker-compose.yml").read_text()


def test_make_prod_names_each_missing_variable_and_how_to_set_it():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SECRET_KEY_FILE"}
    }

    result = _run([str(ROOT / "bin" / "prod"), "run"], env=env, timeout=30)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["DATABASE_URL", "REDIS_URL", "SECRET_KEY"]
    assert "export DATABASE_URL=postgres://" in lines[0]
    assert "export REDIS_URL=redis://" in lines[1]
    assert "secrets.token_urlsafe(50)" in lines[2]


def test_make_prod_wants_postgresql():
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite:///var/portal.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "SECRET_KEY": "x" * 60,
    }

    result = _run([str(ROOT / "bin" / "prod"), "run"], env=env, timeout=30)

    assert result.returncode == 2
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr
