"""The scenarios ``python -m bench`` times, and the data they run on.

Each scenario takes the context built by ``prepare`` and returns the number of SQL queries it
ran, so that a page whose queries grow with the data shows up at once when ``--scale`` changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls.models import Call
from grants.models import Application
from portal.models import User
from reports.bilan import build_bilan
from reports.opendata import grants_360
from reports.pdf import bilan_pdf

APPLICATIONS_PER_CALL = 300  # about a year's volume for the yearly call


@dataclass
class Context:
    call: Call
    manager: Client
    staff: Client
    anonymous: Client


def prepare(*, scale: int) -> Context:
    """Seed the demonstration data, then fill the open call up to ``scale`` × 300 applications."""
    from tests.factories import ApplicationFactory, AssociationFactory

    call_command("seed_demo", verbosity=0)
    call = Call.objects.filter(status=Call.Status.OPEN).order_by("-year").first()
    domains = list(call.call_domains.all())
    missing = scale * APPLICATIONS_PER_CALL - Application.objects.filter(call=call).count()
    for number in range(max(missing, 0)):
        ApplicationFactory(
            call_domain=domains[number % len(domains)],
            association=AssociationFactory(),
            status=Application.Status.SUBMITTED,
        )
    return Context(
        call=call,
        manager=_client("manager@demo.ma"),
        staff=_client("staff@demo.ma"),
        anonymous=Client(HTTP_HOST="localhost"),
    )


def _client(email: str) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email=email))
    return client


def _counted(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = action()
    status = getattr(result, "status_code", 200)
    if status != 200:
        raise RuntimeError(f"the scenario answered {status}")
    return len(queries)


def home(context: Context) -> int:
    return _counted(lambda: context.anonymous.get(reverse("home")))


def public_statistics(context: Context) -> int:
    return _counted(lambda: context.anonymous.get(reverse("reports:public")))


def manager_dashboard(context: Context) -> int:
    return _counted(lambda: context.manager.get(reverse("reports:dashboard")))


def bilan_migrants_2017(context: Context) -> int:
    return _counted(lambda: build_bilan(programme="migrants-refugies", edition="2017"))


def bilan_pdf_migrants_2017_ar(context: Context) -> int:
    return _counted(
        lambda: bilan_pdf(build_bilan(programme="migrants-refugies", edition="2017", language="ar"))
    )


def opendata(context: Context) -> int:
    return _counted(grants_360)


def staff_home(context: Context) -> int:
    return _counted(lambda: context.staff.get(reverse("home")))


def evaluation_workspace(context: Context) -> int:
    return _counted(lambda: context.staff.get(reverse("grants:workspace", args=[context.call.pk])))


def evaluation_ranking(context: Context) -> int:
    return _counted(lambda: context.staff.get(reverse("grants:ranking", args=[context.call.pk])))


def funded_projects(context: Context) -> int:
    return _counted(lambda: context.staff.get(reverse("grants:grants")))


def conventions_register(context: Context) -> int:
    return _counted(lambda: context.manager.get(reverse("conventions:list")))


SCENARIOS: list[tuple[str, Callable[[Context], int]]] = [
    ("home page", home),
    ("public statistics page", public_statistics),
    ("manager dashboard", manager_dashboard),
    ("bilan migrants 2017 (data)", bilan_migrants_2017),
    ("bilan migrants 2017 (PDF, Arabic)", bilan_pdf_migrants_2017_ar),
    ("open data, funded projects", opendata),
    ("staff home page (to do)", staff_home),
    ("evaluation workspace of the open call", evaluation_workspace),
    ("ranking of the open call", evaluation_ranking),
    ("funded projects", funded_projects),
    ("conventions register", conventions_register),
]
