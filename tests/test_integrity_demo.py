"""``seed_demo`` shows one case of each integrity signal in the demonstration call."""

import pytest
from django.urls import reverse

from calls.models import Call
from integrity.models import Signal
from tests.seeded import seeded  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _demo_signals():
    call = Call.objects.get(status=Call.Status.OPEN)
    return Signal.objects.filter(application__call=call)


def test_the_demo_call_has_a_case_of_each_signal():
    signals = _demo_signals()

    assert set(signals.values_list("kind", flat=True)) == set(Signal.Kind.values)
    # one shared RIB (the two applications of each association), one person in two bureaus
    # (two applications each), one pair of near-identical projects (a signal on each)
    assert signals.filter(kind="shared_rib").count() == 4
    assert signals.filter(kind="similar_text").count() == 2
    assert signals.filter(kind="double_funding").count() == 1
    assert signals.filter(kind="shared_person").count() == 4
    assert signals.filter(kind="unfinished_obligations").count() == 1
    assert signals.filter(status=Signal.Status.KEPT).count() == 1


def test_the_demo_staff_see_them(client):
    from portal.models import User

    signal = _demo_signals().get(kind="double_funding")
    client.force_login(User.objects.get(email="staff@demo.ma"))

    html = client.get(reverse("grants:instruction", args=[signal.application_id])).content.decode()

    assert "Cofinancement contredit par un autre projet" in html
    assert "Fondation Drosos" in html


def test_the_admin_lists_them_read_only(client):
    from portal.models import User

    client.force_login(User.objects.get(email="admin@demo.ma"))

    listing = client.get(reverse("admin:integrity_signal_changelist"))
    detail = client.get(reverse("admin:integrity_signal_change", args=[_demo_signals().first().pk]))

    assert listing.status_code == 200
    assert "Cofinancement contredit par un autre projet" in listing.content.decode()
    assert detail.status_code == 200
    assert client.get(reverse("admin:integrity_signal_add")).status_code == 403
