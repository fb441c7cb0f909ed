"""gunicorn's configuration, the same in the image (docker-compose.yml) and in `make prod`.

gunicorn reads this file from the working directory; ``deploy/run.sh web`` names it.
The environment adjusts what differs between the two: where to listen and how many workers.
"""

import os

# docker-compose: every replica of `web` on 0.0.0.0:8000, reached only through the proxy
# (no host port is published); `make prod`: 127.0.0.1:8001 behind the local nginx.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# The proxy is the only client: trust its X-Forwarded-* headers whatever its address (Django
# itself reads X-Forwarded-Proto through SECURE_PROXY_SSL_HEADER when HTTPS=1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# Worker heartbeats in memory, not on the container's overlay filesystem.
SHARED_MEMORY = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
# The portal writes one access line per request itself (portal.middleware.RequestLogMiddleware:
# request id, user id, view, duration, in JSON with LOG_FORMAT=json, and without the query
# string, which may hold a token); gunicorn's own would repeat it with the query string.
accesslog = None
errorlog = "-"
