"""Prometheus metrics of the portal, served by ``/metrics`` (``portal.middleware``).

Two kinds of numbers:

- **Observed in the processes**: each request's latency (``RequestLogMiddleware``) and each
  background job's duration (the ``task_prerun``/``task_postrun`` signals of
  ``portal.celery``). The portal runs several processes — gunicorn's workers, the Celery
  worker's pool, on one machine or in several containers — and a scrape reaches one of them
  only (through the proxy, any ``web`` replica). In-memory metrics would show one process's
  share, and the job durations, observed in the worker, would never appear in a web process.
  So with ``PROMETHEUS_MULTIPROC_DIR`` set (``make prod`` and docker-compose set it, to a
  folder every web and worker process shares) prometheus_client's multiprocess mode is used:
  each process writes its counters and histograms to its own memory-mapped file in that folder
  and ``/metrics`` adds up every file, whichever process answers. Files are named after the
  host name and the process id, so the containers of a scaled-out ``web`` sharing one volume
  never write the same file. Without the variable (a laptop, the tests) the metrics stay in
  the process.
- **Read at scrape time** (``ScrapeCollector``): the Celery queue depth from Redis (with a short
  timeout; absent when Redis cannot be reached), outbox rows waiting, and what the apps
  register (``register``: bilans produced, applications submitted in the last hour, from
  ``reports/metrics.py``), from the database. They are true whatever process answers,
  and cost nothing between scrapes.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import socket

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    values,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if MULTIPROC_DIR:
    # One file per process and per host: pids repeat from one container to the next.
    values.ValueClass = values.MultiProcessValue(lambda: f"{socket.gethostname()}-{os.getpid()}")

REDIS_TIMEOUT = 0.5  # seconds: a scrape never waits on a stopped Redis

REQUEST_LATENCY = Histogram(
    "portal_request_duration_seconds",
    "Time to answer a request, by view, method and status class.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
JOB_DURATION = Histogram(
    "portal_job_duration_seconds",
    "Time a background job ran in the worker, by task and outcome.",
    ["task", "state"],
    buckets=(0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600),
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(view: str, method: str, status: int, seconds: float) -> None:
    # Labels stay few: a view name (never a path), a known method, a status class.
    REQUEST_LATENCY.labels(
        view=view or "unresolved",
        method=method if method in _METHODS else "OTHER",
        status=f"{status // 100}xx",
    ).observe(seconds)


def observe_job(task: str, state: str, seconds: float) -> None:
    JOB_DURATION.labels(task=task, state=state).observe(seconds)


# --- read at scrape time ---------------------------------------------------------------------


def queue_depths() -> dict[str, int] | None:
    """Messages waiting in each Celery queue of the Redis broker (every priority's list), or
    ``None`` when the broker is no Redis or cannot be reached."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis
    from kombu.transport.redis import PRIORITY_STEPS

    from portal.celery import app

    names = {app.conf.task_default_queue or "celery"}
    names.update(queue.name for queue in app.conf.task_queues or ())
    separator = "\x06\x16"  # kombu's key for a priority's list: queue + separator + priority
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
        )
        try:
            pipe = client.pipeline(transaction=False)
            keys = {
                name: [name if step == 0 else f"{name}{separator}{step}" for step in PRIORITY_STEPS]
                for name in sorted(names)
            }
            for queue_keys in keys.values():
                for key in queue_keys:
                    pipe.llen(key)
            lengths = iter(pipe.execute())
            return {name: sum(next(lengths) for _ in keys[name]) for name in keys}
        finally:
            client.close()
    except (redis.exceptions.RedisError, OSError) as error:
        logger.warning("metrics: broker unreachable, queue depth unknown: %s", error)
        return None


class ScrapeCollector:
    """Numbers read when Prometheus scrapes, from Redis and the database."""

    def collect(self):
        depth = GaugeMetricFamily(
            "portal_celery_queue_depth",
            "Background jobs waiting in the broker's queue (absent while Redis is down).",
            labels=["queue"],
        )
        depths = queue_depths()
        for name, length in (depths or {}).items():
            depth.add_metric([name], length)
        yield depth
        if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            up = GaugeMetricFamily(
                "portal_celery_broker_up", "1 when the broker answered this scrape, else 0."
            )
            up.add_metric([], 0 if depths is None else 1)
            yield up
        try:
            yield from self.database()
        except Exception as error:  # the database is down: /healthz says so; keep the rest
            logger.warning("metrics: database unreachable: %s", error)

    def database(self):
        from django.utils import timezone

        from portal.models import OutboxMessage

        now = timezone.now()
        pending = OutboxMessage.objects.filter(published_at=None)
        outbox = GaugeMetricFamily(
            "portal_outbox_pending", "Background jobs kept in the outbox, not yet published."
        )
        outbox.add_metric([], pending.count())
        yield outbox
        oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
        age = GaugeMetricFamily(
            "portal_outbox_oldest_pending_seconds",
            "Age of the oldest unpublished outbox row (0 when none waits).",
        )
        age.add_metric([], (now - oldest).total_seconds() if oldest else 0)
        yield age
        # The apps' own numbers (bilans, submissions: reports/metrics.py), registered by them.
        for collect in _app_collectors:
            yield from collect()


_app_collectors: list = []


def register(collect) -> None:
    """An app adds a function yielding metric families read from the database at scrape time
    (``portal`` imports no app: each app registers its numbers from its ``ready()``)."""
    if collect not in _app_collectors:
        _app_collectors.append(collect)


def registry() -> CollectorRegistry:
    """The registry a scrape reads: every process's files in multiprocess mode, else this
    process's metrics; plus what is read at scrape time."""
    if MULTIPROC_DIR:
        from prometheus_client import multiprocess

        scrape = CollectorRegistry()
        multiprocess.MultiProcessCollector(scrape)
    else:
        from prometheus_client import REGISTRY

        scrape = CollectorRegistry()
        scrape.register(_ProcessMetrics(REGISTRY))
    scrape.register(ScrapeCollector())
    return scrape


class _ProcessMetrics:
    """This process's own metrics (the default registry), inside the scrape's registry."""

    def __init__(self, source: CollectorRegistry):
        self.source = source

    def collect(self):
        return self.source.collect()


# --- access ----------------------------------------------------------------------------------


def client_address(request) -> str | None:
    """The client's address as the login's rate limits see it: ``REMOTE_ADDR``, or behind
    ``TRUSTED_PROXY_COUNT`` proxies the matching ``X-Forwarded-For`` entry."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # no address, or an X-Forwarded-For shorter than the proxies
        return None


def allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    presented = header[len("Bearer ") :].strip() if header.startswith("Bearer ") else ""
    if token and presented and hmac.compare_digest(presented.encode(), token.encode()):
        return True
    networks = settings.METRICS_ALLOWED_IPS
    if not networks:
        return False
    address = client_address(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_IPS: %r is no address or network", network)
    return False


def metrics_view(request):
    """``/metrics`` in Prometheus' text format, for a bearer of ``METRICS_TOKEN`` or a client
    in ``METRICS_ALLOWED_IPS``; anyone else gets the 404 of a page that does not exist."""
    if not allowed(request):
        return HttpResponseNotFound(b"Not Found", content_type="text/plain")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
