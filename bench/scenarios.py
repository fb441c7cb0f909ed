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
    searched: Application | None = None  # the near-duplicate search's application


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


#: The near-duplicate search compares one application's text with this many others.
PROJECT_TEXTS = 20_000
WORDS = [
    "accompagnement",
    "écoute",
    "orientation",
    "femmes",
    "enfants",
    "jeunes",
    "rural",
    "urbain",
    "formation",
    "insertion",
    "coopérative",
    "artisanat",
    "alphabétisation",
    "handicap",
    "santé",
    "prévention",
    "violence",
    "scolaire",
    "sport",
    "culture",
    "hébergement",
    "nutrition",
    "emploi",
    "douar",
    "quartier",
    "province",
    "commune",
    "région",
    "bénévoles",
    "ateliers",
    "permanences",
    "sensibilisation",
    "médiation",
    "juridique",
    "psychologique",
    "économique",
    "autonomisation",
    "solidarité",
    "famille",
    "personnes",
    "âgées",
    "migrants",
    "réfugiés",
    "protection",
    "droits",
    "éducation",
    "soutien",
    "colonie",
    "vacances",
    "centre",
    "accueil",
    "suivi",
    "réinsertion",
    "apprentissage",
    "métiers",
]


def _project_texts(context: Context) -> Application:
    """Fill the near-duplicate search's table up to ``PROJECT_TEXTS`` texts (random project
    texts of 60 words from the same vocabulary, in bulk), and return the application searched
    for: an application of the open call with a text of its own."""
    import random

    from integrity.models import ProjectText
    from integrity.similarity import store_missing_texts, store_texts

    rng = random.Random(14)  # noqa: S311  (the same texts on every run, not a secret)
    missing = PROJECT_TEXTS - ProjectText.objects.count()
    if missing > 0:
        model = Application.objects.filter(call=context.call).exclude(status="draft").first()
        rows = []
        for _ in range(missing):
            text = [" ".join(rng.choices(WORDS, k=n)) for n in (8, 20, 12, 20)]
            rows.append(
                Application(
                    call=context.call,
                    call_domain_id=model.call_domain_id,
                    association_id=model.association_id,
                    title=text[0][:255],
                    summary=text[1],
                    objectives=text[2],
                    activities=text[3],
                    status=Application.Status.REJECTED,
                )
            )
        Application.objects.bulk_create(rows, batch_size=2000)
        store_missing_texts()
    searched = Application.objects.filter(call=context.call, reference__isnull=False).first()
    store_texts([searched])
    return searched


def near_duplicate_search(context: Context) -> int:
    """The near-duplicate search of integrity signals for one application among 20 000
    (``similar_matches``: pg_trgm's index on PostgreSQL; the same call's texts compared in
    Python elsewhere). Target: at most 1 s on PostgreSQL."""
    from integrity.services import similar_matches

    if context.searched is None:
        context.searched = _project_texts(context)
    return _counted(lambda: similar_matches(context.searched))


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
    ("near-duplicate search, 1 application among 20 000", near_duplicate_search),
]
