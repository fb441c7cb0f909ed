#!/bin/sh
# The portal's processes, exactly as the image (Dockerfile), docker-compose.yml and `make prod`
# (bin/prod) run them: one place for their commands and options.
#
#   deploy/run.sh build     translations and static files (the image's build step)
#   deploy/run.sh migrate   migrations and reference data (compose's one-shot `migrate` service)
#   deploy/run.sh web       system checks of a deployment, then gunicorn (gunicorn.conf.py)
#   deploy/run.sh worker    the Celery worker
#   deploy/run.sh beat      the Celery beat scheduler
#
# PYTHON, GUNICORN and CELERY name the programs (default: those on PATH, as in the image).
set -eu

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
GUNICORN=${GUNICORN:-gunicorn}
CELERY=${CELERY:-celery}

case "${1:-}" in
build)
    "$PYTHON" manage.py compilemessages --ignore=.venv -v 0
    DEBUG=0 "$PYTHON" manage.py collectstatic --noinput -v 0
    ;;
migrate)
    "$PYTHON" manage.py migrate --noinput
    "$PYTHON" manage.py loaddata territories reference activity_areas
    ;;
web)
    # Refuses to start on a deployment error (a SECRET_KEY anyone can read, for one);
    # portal/wsgi.py refuses it too, for a gunicorn started another way.
    "$PYTHON" manage.py check --deploy --fail-level ERROR
    exec "$GUNICORN" portal.wsgi --config gunicorn.conf.py
    ;;
worker)
    exec "$CELERY" -A portal worker --loglevel=INFO --concurrency="${CELERY_CONCURRENCY:-2}"
    ;;
beat)
    exec "$CELERY" -A portal beat --loglevel=INFO \
        --schedule="${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}"
    ;;
*)
    echo "usage: deploy/run.sh build|migrate|web|worker|beat" >&2
    exit 2
    ;;
esac
