"""Reference numbers: a counter on the domain's row, gapless and unique per domain."""

import importlib

import pytest
from django.apps import apps
from django.db import transaction

from calls.models import CallDomain
from grants.services import apply as services
from tests.apply_helpers import fill, ready_application, start
from tests.factories import ApplicationFactory, CallDomainFactory, MembershipFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("calls.migrations.0002_calldomain_last_reference_number")


def _drafts(client, count):
    """``count`` complete drafts of different associations of one user, in one domain."""
    user, first = ready_application(client, year=2026, edition="2026")
    drafts = [first]
    for _ in range(count - 1):
        association = MembershipFactory(user=user).association
        drafts.append(fill(client, start(client, first.call_domain, association)))
    return user, drafts


def test_after_n_submissions_the_counter_is_n_and_the_next_number_costs_one_query(
    client, django_assert_num_queries
):
    user, drafts = _drafts(client, 4)
    for application in drafts[:3]:
        services.submit(application, user=user)
    call_domain = CallDomain.objects.select_related("domain").get(pk=drafts[0].call_domain_id)
    code = call_domain.domain.code

    assert call_domain.last_reference_number == 3
    assert sorted(a.reference for a in drafts[0].call.applications.exclude(reference=None)) == [
        f"AAP-2026-{code}-00001",
        f"AAP-2026-{code}-00002",
        f"AAP-2026-{code}-00003",
    ]
    fourth = type(drafts[3]).objects.select_related("call").get(pk=drafts[3].pk)
    with transaction.atomic():
        locked = (
            CallDomain.objects.select_for_update().select_related("domain").get(pk=call_domain.pk)
        )
        # only the counter's UPDATE: no earlier reference is read
        with django_assert_num_queries(1) as captured:
            reference = services.next_reference(fourth, call_domain=locked)

    assert reference == f"AAP-2026-{code}-00004"
    assert captured.captured_queries[0]["sql"].startswith('UPDATE "calls_calldomain"')
    call_domain.refresh_from_db()
    assert call_domain.last_reference_number == 4


def test_a_refused_submission_takes_no_number(client):
    user, (application,) = _drafts(client, 1)
    application.title = ""
    application.save()

    with pytest.raises(services.SubmissionRefused):
        services.submit(application, user=user)
    application.title = "Maison d'écoute"
    application.save()
    services.submit(application, user=user)

    application.refresh_from_db()
    code = application.call_domain.domain.code
    assert application.reference == f"AAP-2026-{code}-00001"
    assert CallDomain.objects.get(pk=application.call_domain_id).last_reference_number == 1


def test_a_reopened_application_sent_again_keeps_its_number(client):
    user, (first, second) = _drafts(client, 2)
    services.submit(first, user=user)
    services.reopen(first, user=user)
    services.submit(first, user=user)
    services.submit(second, user=user)

    first.refresh_from_db()
    second.refresh_from_db()
    code = first.call_domain.domain.code
    assert (first.reference, first.version) == (f"AAP-2026-{code}-00001", 2)
    assert second.reference == f"AAP-2026-{code}-00002"
    assert CallDomain.objects.get(pk=first.call_domain_id).last_reference_number == 2


def test_the_migration_starts_each_counter_at_the_highest_number_already_given(client):
    user, (draft,) = _drafts(client, 1)
    call_domain = draft.call_domain
    code = call_domain.domain.code
    for reference in (f"AAP-2026-{code}-00001", f"AAP-2026-{code}-00007", f"AAP-2026-{code}-X"):
        ApplicationFactory(call_domain=call_domain, call=draft.call, reference=reference)
    other = CallDomainFactory(call=draft.call)
    ApplicationFactory(
        call_domain=other, call=draft.call, reference=f"AAP-2026-{other.domain.code}-00003"
    )
    untouched = CallDomainFactory(call=draft.call)

    migration.number_from_references(apps, None)

    counters = dict(
        CallDomain.objects.filter(pk__in=[call_domain.pk, other.pk, untouched.pk]).values_list(
            "pk", "last_reference_number"
        )
    )
    assert counters == {call_domain.pk: 7, other.pk: 3, untouched.pk: 0}
    services.submit(draft, user=user)
    draft.refresh_from_db()
    assert draft.reference == f"AAP-2026-{code}-00008"
