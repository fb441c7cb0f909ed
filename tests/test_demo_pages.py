"""Every page a demonstration account reaches from the menus answers, on the seeded data."""

import pytest
from django.urls import reverse

from associations.models import Association
from grants.models import Application
from portal.models import User
from tests.seeded import seeded  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _pages_of(client, email):
    client.force_login(User.objects.get(email=email))
    return client


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_president_walks_through_the_association_pages(client, language):
    client = _pages_of(client, "president@demo.ma")
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    association = Association.objects.get(memberships__user__email="president@demo.ma")
    urls = [
        reverse("home"),
        reverse("calls:list"),
        reverse("grants:my_applications"),
        reverse("associations:mine"),
        reverse("associations:detail", args=[association.pk]),
        reverse("associations:edit", args=[association.pk]),
    ]
    for application in Application.objects.filter(association=association):
        urls.append(reverse("grants:application", args=[application.pk]))
        if application.is_editable:
            urls += [
                reverse("grants:apply_step", args=[application.pk, step])
                for step in ("domaine", "projet", "lieu", "budget", "documents", "recapitulatif")
            ]
        urls += [
            reverse("grants:version", args=[application.pk, s.number])
            for s in application.submissions.all()
        ]
    for call in association.applications.values_list("call__programme__code", "call__edition"):
        urls.append(reverse("calls:detail", args=call))

    statuses = {url: client.get(url).status_code for url in urls}

    assert set(statuses.values()) == {200}, statuses


def test_the_staff_officer_opens_the_verification_queue(client):
    client = _pages_of(client, "staff@demo.ma")
    association = Association.objects.first()

    assert client.get(reverse("associations:verification_queue")).status_code == 200
    assert (
        client.get(reverse("associations:verification", args=[association.pk])).status_code == 200
    )
