# The portal's image: gunicorn for the web, the same image for the Celery worker and beat.
# Its commands are deploy/run.sh's, the ones `make prod` runs on a machine (bin/prod).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/var/lib/portal

# WeasyPrint needs Pango; gettext compiles the translations; curl is the health check's.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz0b libffi8 shared-mime-info gettext curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# Translations and static files (collectstatic with DEBUG=0: the manifest storage), then the
# non-root user, owner of VAR_DIR and of the media folder the named volume is mounted on (a new
# named volume takes the owner and mode of the folder it is mounted on).
RUN deploy/run.sh build \
    && useradd --system --home /app portal \
    && mkdir -p "$VAR_DIR/media" "$VAR_DIR/metrics" \
    && chown -R portal "$VAR_DIR"
USER portal

EXPOSE 8000
CMD ["deploy/run.sh", "web"]
