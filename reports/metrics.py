"""The portal's activity for Prometheus (``/metrics``, ``portal/metrics.py``), read from the
database when Prometheus scrapes, so that every web process answers the same: bilans produced,
applications submitted in the last hour, and the time left before the next call deadline (for
the alert on a deadline approaching while the worker is down)."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from calls.models import Call
from grants.models import Application
from reports.models import ReportJob


def collect():
    bilans = GaugeMetricFamily(
        "portal_bilans_produced",
        "Bilans generated (report jobs done, their file since expired included), by format.",
        labels=["format"],
    )
    produced = (
        ReportJob.objects.filter(status__in=[ReportJob.Status.DONE, ReportJob.Status.EXPIRED])
        .values("format")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(ReportJob.Format.values, 0)
    counts.update({row["format"]: row["n"] for row in produced})
    for fmt, n in sorted(counts.items()):
        bilans.add_metric([fmt], n)
    yield bilans

    submitted = GaugeMetricFamily(
        "portal_applications_submitted_last_hour",
        "Applications whose last submission is less than an hour old.",
    )
    since = timezone.now() - timedelta(hours=1)
    submitted.add_metric([], Application.objects.filter(submitted_at__gte=since).count())
    yield submitted

    deadline = GaugeMetricFamily(
        "portal_call_next_deadline_seconds",
        "Seconds until the nearest deadline of a call open now (absent when none is open).",
    )
    now = timezone.now()
    closes_at = (
        Call.objects.filter(status=Call.Status.OPEN, closes_at__gt=now)
        .order_by("closes_at")
        .values_list("closes_at", flat=True)
        .first()
    )
    if closes_at is not None:
        deadline.add_metric([], (closes_at - now).total_seconds())
    yield deadline
