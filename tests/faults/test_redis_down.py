"""Redis stopped while the portal serves: pages, login and submission work, the jobs wait in
the outbox, and the receipt and e-mail follow once Redis is back — once."""

import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from grants.models import Application
from portal.models import OutboxMessage
from portal.outbox import relay
from tests.apply_helpers import fill, open_call, start
from tests.factories import PASSWORD, MembershipFactory
from tests.faults.services import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("needs_postgres")]


@pytest.fixture
def redis_cache(broker, settings):
    """The web process's cache and sessions on the throw-away Redis, as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": broker.url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return broker


def test_with_redis_stopped_people_log_in_and_submit_and_the_mail_follows_once(
    transactional_db, client, redis_cache, start_worker, workdir
):
    call_domain = open_call()
    membership = MembershipFactory()
    user = membership.user
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    redis_cache.stop()

    started = time.monotonic()
    assert client.get(reverse("home")).status_code == 200
    login = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert login.status_code == 302, login.content.decode()[:2000]
    assert client.get(reverse("grants:my_applications")).status_code == 200
    application = fill(client, start(client, call_domain, membership.association))
    submitted = client.post(reverse("grants:apply_submit", args=[application.pk]))
    assert submitted.status_code == 302
    assert time.monotonic() - started < 60  # no request waited long on the stopped Redis

    application = Application.objects.get(pk=application.pk)
    assert application.status == "submitted"
    assert application.reference
    assert application.reference in client.get(submitted.url).content.decode()
    pending = OutboxMessage.objects.filter(published_at=None)
    assert {"grants.tasks.render_receipt", "portal.tasks.send_email"} <= set(
        pending.values_list("task", flat=True)
    )
    waiting = pending.count()
    assert all(row.attempts >= 1 and row.last_error for row in pending)
    submission = application.submissions.get()
    assert not submission.receipt
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "down",
        "broker": "down",
        "storage": "ok",
    }

    redis_cache.start()
    assert relay(grace=timedelta(0)) == waiting
    assert not OutboxMessage.objects.filter(published_at=None).exists()
    start_worker()

    mail = workdir / "mail"
    wait_for(lambda: list(mail.iterdir()), timeout=60, what="the e-mail")
    wait_for(
        lambda: application.submissions.get().receipt, timeout=60, what="the receipt to be made"
    )
    time.sleep(3)  # a second delivery would have had time to send it again
    (message,) = mail.iterdir()
    assert application.reference in message.read_text()
    receipt = application.submissions.get().receipt
    with receipt.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    done = OutboxMessage.objects.get(task="portal.tasks.send_email")
    assert done.done_at is not None
