"""Operations: structured logs with a request id carried into the jobs, errors to Sentry only
with a DSN and scrubbed, the Prometheus endpoint and who may read it, /healthz."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from portal import logs, outbox
from portal.celery import add_request_id, app
from portal.models import OutboxMessage
from reports.models import ReportJob
from tests.factories import ApplicationFactory, ReportJobFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "fatima.zahra@example.ma"
RIB = "011780000012345678901234"
RIB_SPACED = "011 780 0000123456789012 34"
NATIONAL_ID = "BK123456"


# --- what the tests request ----------------------------------------------------------------------


@app.task(name="tests.operations.log_job")
def log_job(number):
    logging.getLogger("tests.operations").info("job %s ran", number)


def queue_job(request):
    outbox.send_task(log_job, 7)
    logging.getLogger("tests.operations").info("job queued")
    return HttpResponse("queued")


def explode(request):
    email, rib, cin = EMAIL, RIB, NATIONAL_ID  # noqa: F841 - local variables Sentry would send
    raise ValueError(f"payment refused for {EMAIL}, RIB {RIB_SPACED}, CIN {NATIONAL_ID}")


urlpatterns = [
    path("queue/", queue_job, name="queue-job"),
    path("explode/", explode, name="explode"),
]


@pytest.fixture
def log_lines():
    """The JSON lines the root logger writes while the test runs (the production format)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)


# --- logs ----------------------------------------------------------------------------------------


def test_a_request_gets_an_id_echoed_in_the_response_and_one_json_access_line(client, log_lines):
    user = UserFactory(email=EMAIL)
    client.force_login(user)

    response = client.get("/?next=/x&token=s3cr3t-reset-token")

    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    access = [line for line in log_lines() if line["logger"] == "portal.access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == request_id
    assert line["user_id"] == user.pk
    assert line["method"] == "GET"
    assert line["path"] == "/"
    assert line["status"] == 200
    assert line["view"] == "home"
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"
    raw = json.dumps(log_lines())
    assert "s3cr3t-reset-token" not in raw
    assert EMAIL not in raw


def test_the_proxys_request_id_is_kept_and_a_forged_one_replaced(client):
    kept = client.get("/", HTTP_X_REQUEST_ID="4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e")
    forged = client.get("/", HTTP_X_REQUEST_ID='x" injected\nline')

    assert kept["X-Request-ID"] == "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_a_secret_key_in_the_url_is_not_logged(client, log_lines):
    client.get("/accounts/confirm-email/a-secret-confirmation-key/")

    access = [line for line in log_lines() if line["logger"] == "portal.access"]
    assert access
    assert "a-secret-confirmation-key" not in json.dumps(log_lines())
    assert access[0]["path"] == "/accounts/confirm-email/[filtered]/"


@pytest.mark.urls("tests.test_operations")
def test_the_request_id_goes_with_the_job_the_request_queues(
    client, log_lines, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/queue/", HTTP_X_REQUEST_ID="req-0123456789abcdef")

    assert response.status_code == 200
    message = OutboxMessage.objects.get(task="tests.operations.log_job")
    assert message.request_id == "req-0123456789abcdef"
    job_line = next(line for line in log_lines() if line["message"] == "job 7 ran")
    assert job_line["request_id"] == "req-0123456789abcdef"
    assert job_line["task_name"] == "tests.operations.log_job"
    assert job_line["task_id"] == str(message.task_id)
    queued = next(line for line in log_lines() if line["message"] == "job queued")
    assert queued["request_id"] == "req-0123456789abcdef"
    assert queued["task_name"] is None


def test_a_job_published_later_by_the_relay_still_carries_its_request_id(log_lines):
    token = logs.bind(request_id="req-stored-with-the-row")
    try:
        message = OutboxMessage.objects.create(
            task="tests.operations.log_job", args=[8], request_id="req-stored-with-the-row"
        )
    finally:
        logs.reset(token)
    assert logs.get("request_id") is None

    assert outbox.publish(message.pk)  # as the relay does, outside of any request

    job_line = next(line for line in log_lines() if line["message"] == "job 8 ran")
    assert job_line["request_id"] == "req-stored-with-the-row"
    assert job_line["task_id"] == str(message.task_id)
    assert logs.get("task_id") is None  # the job's context ends with it


def test_a_task_published_during_a_request_gets_the_request_id_header():
    headers = {}
    token = logs.bind(request_id="req-abcdef0123")
    try:
        add_request_id(headers=headers)
    finally:
        logs.reset(token)
    stored = {"request_id": "req-from-the-outbox"}
    add_request_id(headers=stored)

    assert headers == {"request_id": "req-abcdef0123"}
    assert stored == {"request_id": "req-from-the-outbox"}


def test_log_format_json_is_the_production_setting_and_text_the_default():
    code = (
        "from django.conf import settings; "
        "print(settings.LOGGING['handlers']['console']['formatter'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "LOG_FORMAT"}
    default = _python(code, env)
    production = _python(code, {**env, "LOG_FORMAT": "json"})

    assert default == "text"
    assert production == "json"
    assert "LOG_FORMAT=json" in (ROOT / ".env.example").read_text()
    assert "LOG_FORMAT: json" in (ROOT / "docker-compose.yml").read_text()
    assert "LOG_FORMAT=${LOG_FORMAT:-json}" in (ROOT / "bin" / "prod").read_text()


def test_nginx_sends_its_request_id():
    template = (ROOT / "deploy" / "nginx" / "portal.conf.template").read_text()
    assert "proxy_set_header X-Request-ID $request_id;" in template


# --- Sentry --------------------------------------------------------------------------------------


def _python(code, env):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_sentry_is_initialised_only_with_a_dsn():
    code = "import sentry_sdk; print(sentry_sdk.is_initialized())"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}

    assert _python(code, env) == "False"
    assert _python(code, {**env, "SENTRY_DSN": "http://public@127.0.0.1:9/1"}) == "True"


@pytest.fixture
def sentry_events():
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from portal.sentry import init

    events = []

    class Recording(Transport):
        def capture_envelope(self, envelope):
            event = envelope.get_event()
            if event is not None:
                events.append(event)

    assert init("http://public@127.0.0.1:9/1", transport=Recording)
    yield events
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)
    assert not sentry_sdk.is_initialized()


@pytest.mark.urls("tests.test_operations")
def test_an_error_in_a_view_sends_one_event_without_personal_data(client, sentry_events):
    import sentry_sdk

    client.raise_request_exception = False
    client.cookies["sessionid"] = "a-session-cookie-value"

    response = client.get("/explode/", HTTP_AUTHORIZATION="Bearer an-api-token")
    sentry_sdk.flush()

    assert response.status_code == 500
    assert len(sentry_events) == 1
    event = json.dumps(sentry_events[0])
    assert "ValueError" in event
    assert "payment refused for" in event
    for secret in (EMAIL, RIB, RIB_SPACED, NATIONAL_ID, "a-session-cookie-value", "an-api-token"):
        assert secret not in event


# --- /metrics ------------------------------------------------------------------------------------


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = "metrics-token-0123456789"
    settings.METRICS_ALLOWED_IPS = []
    return settings.METRICS_TOKEN


def test_metrics_are_404_without_the_token_or_with_another(client, metrics_token):
    assert client.get("/metrics").status_code == 404
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 404
    assert b"portal_" not in wrong.content


def test_metrics_with_the_token_have_every_metric_and_the_latency_of_a_view_just_requested(
    client, metrics_token
):
    ApplicationFactory(status="submitted", submitted_at=timezone.now() - timedelta(minutes=10))
    ApplicationFactory(status="submitted", submitted_at=timezone.now() - timedelta(hours=3))
    ReportJobFactory(status=ReportJob.Status.DONE, format=ReportJob.Format.XLSX)
    OutboxMessage.objects.create(task="tests.operations.log_job", args=[1])
    assert client.get("/").status_code == 200

    # By address, before host validation, as Prometheus scrapes.
    response = client.get(
        "/metrics", HTTP_AUTHORIZATION=f"Bearer {metrics_token}", HTTP_HOST="10.0.0.7:8000"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert re.search(
        r'portal_request_duration_seconds_count\{method="GET",status="2xx",view="home"\} [1-9]',
        text,
    )
    assert "# TYPE portal_job_duration_seconds histogram" in text
    assert 'portal_bilans_produced{format="xlsx"} 1.0' in text
    assert "portal_applications_submitted_last_hour 1.0" in text
    assert "portal_outbox_pending 1.0" in text
    assert "portal_outbox_oldest_pending_seconds" in text
    assert "# TYPE portal_celery_queue_depth gauge" in text


def test_metrics_from_an_allowed_address_behind_the_proxy_and_not_from_another(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.1.0.0/16", "192.0.2.5"]
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    allowed = client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.4.2", REMOTE_ADDR="172.18.0.3")
    single = client.get("/metrics", HTTP_X_FORWARDED_FOR="192.0.2.5", REMOTE_ADDR="172.18.0.3")
    other = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="172.18.0.3")
    # A client cannot put an allowed address before the one the proxy adds.
    forged = client.get(
        "/metrics", HTTP_X_FORWARDED_FOR="10.1.4.2, 203.0.113.9", REMOTE_ADDR="172.18.0.3"
    )

    assert allowed.status_code == 200
    assert single.status_code == 200
    assert other.status_code == 404
    assert forged.status_code == 404


def test_metrics_without_any_configuration_are_404(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def _redis_url():
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"no Redis at {url}")
    return url


def test_metrics_read_the_celery_queue_depth_from_redis(client, settings, metrics_token):
    import redis

    url = _redis_url()
    settings.CELERY_BROKER_URL = url
    queue = f"operations-test-{os.getpid()}"
    app.conf.task_default_queue, previous = queue, app.conf.task_default_queue
    connection = redis.Redis.from_url(url)
    connection.rpush(queue, "a", "b", "c")
    connection.rpush(f"{queue}\x06\x163", "d", "e")  # a priority's list
    try:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {metrics_token}")
    finally:
        connection.delete(queue, f"{queue}\x06\x163")
        app.conf.task_default_queue = previous

    text = response.content.decode()
    assert f'portal_celery_queue_depth{{queue="{queue}"}} 5.0' in text
    assert "portal_celery_broker_up 1.0" in text


def test_metrics_answer_while_redis_is_down_without_a_queue_depth(client, settings, metrics_token):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {metrics_token}")

    assert response.status_code == 200
    text = response.content.decode()
    assert "portal_celery_broker_up 0.0" in text
    assert "portal_celery_queue_depth{" not in text
    assert "portal_outbox_pending 0.0" in text


def test_job_durations_recorded_by_the_worker_are_read_by_any_web_process(tmp_path):
    """Multiprocess mode: a job observed in one process appears in another one's scrape."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    _python("from portal.metrics import observe_job; observe_job('reports.x', 'SUCCESS', 2.0)", env)
    _python(
        "from portal.metrics import observe_request; observe_request('home', 'GET', 200, 0.1)", env
    )
    text = _python(
        "from prometheus_client import generate_latest; from portal.metrics import registry; "
        "print(generate_latest(registry()).decode())",
        env,
    )

    assert 'portal_job_duration_seconds_count{state="SUCCESS",task="reports.x"} 1.0' in text
    assert 'portal_request_duration_seconds_count{method="GET",status="2xx",view="home"} 1.0' in (
        text
    )
    assert len(list(tmp_path.glob("histogram_*.db"))) == 2  # one file per process


def test_a_job_run_records_its_duration(client, metrics_token, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.send_task(log_job, 9)

    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {metrics_token}").content.decode()
    assert re.search(
        r'portal_job_duration_seconds_count\{state="SUCCESS",task="tests.operations.log_job"\} '
        r"[1-9]",
        text,
    )


# --- /healthz ------------------------------------------------------------------------------------


def test_healthz_names_the_cache_when_it_is_down(client, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "ping", lambda: False, raising=False)

    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["cache"] == "down"
    assert response.json()["database"] == "ok"


def test_the_alert_rules_use_only_metrics_the_portal_exposes(client, settings, metrics_token):
    import yaml

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # a Redis broker, down
    from tests.factories import CallFactory

    CallFactory(
        status="open",
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() + timedelta(hours=5),
    )
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {metrics_token}").content.decode()
    exposed = set(re.findall(r"^# TYPE (\w+)", text, flags=re.M))
    exposed |= {f"{name}_{suffix}" for name in exposed for suffix in ("count", "bucket", "sum")}
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "alerts.yml").read_text())
    expressions = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    used = {name for expr in expressions for name in re.findall(r"\bportal_\w+", expr)}

    assert used
    assert used <= exposed, used - exposed
    deadline = re.search(r"^portal_call_next_deadline_seconds (\S+)$", text, flags=re.M)
    assert deadline
    assert 4.9 * 3600 < float(deadline.group(1)) <= 5 * 3600


def test_the_access_line_of_a_logout_names_who_logged_out(client, log_lines):
    user = UserFactory()
    client.force_login(user)

    client.post("/accounts/logout/")

    access = [line for line in log_lines() if line["logger"] == "portal.access"]
    assert access[-1]["path"] == "/accounts/logout/"
    assert access[-1]["user_id"] == user.pk
