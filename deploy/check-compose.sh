#!/bin/sh
# Checks the deployment files without Docker: docker-compose.yml is valid and has the expected
# shape (the proxy is the single entry, `web` publishes no port, the commands are
# deploy/run.sh's, as in `make prod`), and the nginx configuration rendered for `make prod`
# passes `nginx -t`. Needs docker-compose (v1 or the v2 plugin) and nginx; exit 1 on a problem.
# COMPOSE_FILE_TO_CHECK=path checks another compose file (the tests use it).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if command -v docker-compose >/dev/null 2>&1; then
    COMPOSE="docker-compose"
elif docker compose version >/dev/null 2>&1; then
    COMPOSE="docker compose"
else
    echo "check-compose: docker-compose is not installed" >&2
    exit 1
fi

SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT INT TERM

# The project folder with a dummy .env, as an operator would fill it in.
cp "${COMPOSE_FILE_TO_CHECK:-$ROOT/docker-compose.yml}" "$SCRATCH/docker-compose.yml"
ln -s "$ROOT/deploy" "$SCRATCH/deploy"
cp "$ROOT/Dockerfile" "$SCRATCH/"
cat >"$SCRATCH/.env" <<'ENV'
SECRET_KEY=dummy-secret-key-for-checking-the-compose-file-only-0123456789abcdef
POSTGRES_PASSWORD=dummy
DEBUG=0
HTTPS=1
ALLOWED_HOSTS=aap.example.org
ENV

cd "$SCRATCH"
$COMPOSE -f docker-compose.yml config -q
$COMPOSE -f docker-compose.yml config >"$SCRATCH/resolved.yml"

python3 - "$SCRATCH/resolved.yml" <<'PY'
import sys

import yaml

config = yaml.safe_load(open(sys.argv[1]))
services = config["services"]
problems = []


def check(condition, message):
    if not condition:
        problems.append(message)


expected = {"migrate", "web", "worker", "beat", "proxy", "postgres", "redis"}
check(expected <= set(services), f"services missing: {sorted(expected - set(services))}")
web = services.get("web", {})
check(not web.get("ports"), "web publishes a host port: only the proxy may (docker compose up --scale web=3)")
for name, command in {
    "migrate": ["deploy/run.sh", "migrate"],
    "web": ["deploy/run.sh", "web"],
    "worker": ["deploy/run.sh", "worker"],
    "beat": ["deploy/run.sh", "beat"],
}.items():
    check(services.get(name, {}).get("command") == command, f"{name} does not run {command}")

proxy = services.get("proxy", {})
check(str(proxy.get("image", "")).startswith("nginx:"), "proxy is not the official nginx image")
mounts = []
for volume in proxy.get("volumes", []):
    if isinstance(volume, str):
        source, target, *mode = volume.split(":")
        mounts.append((source, target, "ro" in mode))
    else:
        mounts.append((volume.get("source"), volume.get("target"), volume.get("read_only", False)))
check(
    any(
        str(s).endswith("deploy/nginx/portal.conf.template")
        and t == "/etc/nginx/templates/default.conf.template"
        and ro
        for s, t, ro in mounts
    ),
    "proxy does not mount deploy/nginx/portal.conf.template read-only as the image's template",
)
check(any(t == "/etc/nginx/tls" and ro for s, t, ro in mounts), "proxy does not mount the TLS certificate folder read-only")
published = [str(p.get("target") if isinstance(p, dict) else p) for p in proxy.get("ports", [])]
check(any("443" in p for p in published), "proxy does not publish the HTTPS port")
environment = proxy.get("environment", {})
check(environment.get("PORTAL_UPSTREAM") == "web:8000", "proxy does not forward to the web service")
check(environment.get("NGINX_RESOLVER") == "127.0.0.11", "proxy does not resolve web through Docker's DNS")
for name in ("web", "worker", "beat", "migrate"):
    volumes = [str(v.get("target") if isinstance(v, dict) else v) for v in services.get(name, {}).get("volumes", [])]
    check(any("/var/lib/portal/media" in v for v in volumes), f"{name} does not mount the media volume")

if problems:
    for problem in problems:
        print(f"check-compose: {problem}", file=sys.stderr)
    sys.exit(1)
PY

# Build-context hygiene and the image's media folder.
for entry in .git .venv var .env node_modules __pycache__; do
    grep -Eq "^(\*\*/)?$entry\$" "$ROOT/.dockerignore" || { echo "check-compose: .dockerignore does not exclude $entry" >&2; exit 1; }
done
grep -q 'deploy/run.sh build' "$ROOT/Dockerfile" || { echo "check-compose: the Dockerfile does not build with deploy/run.sh build" >&2; exit 1; }
grep -q '"deploy/run.sh", "web"' "$ROOT/Dockerfile" || { echo "check-compose: the Dockerfile does not start deploy/run.sh web" >&2; exit 1; }

# The same nginx template, rendered for `make prod`.
"$ROOT/bin/prod" nginx-test
echo "check-compose: docker-compose.yml and the nginx configuration are valid"
