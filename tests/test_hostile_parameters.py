"""Every page and lookup that reads query parameters answers 400 or an empty result to odd
values, never a server error, for every role.

The views are collected from the URL resolver: every view of the portal's apps that reads
``request.GET`` (directly, through a helper of its module or through a filter form) is walked
with each of its parameters set to hostile values. Run it on PostgreSQL too, which is stricter
than SQLite (integer overflow, NUL characters):
``DATABASE_URL=postgres://… pytest tests/test_hostile_parameters.py``.
"""

import inspect
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from portal.roles import Role
from tests.factories import (
    ApplicationFactory,
    CallDomainFactory,
    ConventionFactory,
    GrantFactory,
    MembershipFactory,
    ProvinceFactory,
    ReportJobFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

APPS = ("portal", "calls", "associations", "grants", "conventions", "reports")
HOSTILE = ["abc", "9" * 20, "-1", "-" + "9" * 20, "٣ é ☃", "'\"", "", "\x00", "1\x00", "0", "1e3"]

PARAM = re.compile(r"""\b(?:GET|get)(?:\.get\(|\[)\s*["'](\w+)["']""")
FORM = re.compile(r"\b(\w+Form)\(\s*request\.GET")
HELPER = re.compile(r"\b(_\w+)\(\s*request\b")
FILTERSET = re.compile(r"\b(\w+Filter)\(\s*request\.GET")


def _patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _parameters(view) -> set[str]:
    """The query parameters a view reads: by name, through its module's helpers, its forms
    and its django-filter ``FilterSet``s."""
    view = inspect.unwrap(view)
    module = inspect.getmodule(view)
    source = inspect.getsource(view)
    sources = [source]
    for helper in set(HELPER.findall(source)):
        if callable(getattr(module, helper, None)):
            sources.append(inspect.getsource(getattr(module, helper)))
    names = {name for text in sources for name in PARAM.findall(text)}
    for form in FORM.findall(source):
        names |= set(getattr(module, form).base_fields)
    for name in FILTERSET.findall(source):
        filterset = getattr(module, name)
        names |= set(filterset.base_filters) | set(filterset._meta.form.base_fields)
    if "request.GET" in source or "= request.GET" in source:
        names.add("page")
    return names


def _reads_query(view) -> bool:
    view = inspect.unwrap(view)
    if view.__module__.split(".")[0] not in APPS:
        return False
    return bool(_parameters(view)) or (
        "GET" in PARAM.pattern and "request.GET" in (inspect.getsource(view))
    )


@pytest.fixture
def world():
    """One of each object the walked pages show, and a user per role."""
    province = ProvinceFactory()
    call_domain = CallDomainFactory()
    membership = MembershipFactory()
    ApplicationFactory(call_domain=call_domain, association=membership.association)
    grant = GrantFactory(application__association=membership.association)
    convention = ConventionFactory(kind="grant", grant=grant)
    convention.generated_pdf.save("c.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    ConventionFactory()
    ReportJobFactory()
    everyone = UserFactory(is_staff=True, is_superuser=True, roles=[role.value for role in Role])
    return {
        "args": {
            "grants:workspace": {"call_pk": call_domain.call_id},
            "grants:grant_convention": {"pk": grant.pk, "which": "pdf"},
        },
        "province": province,
        "users": {
            "anonymous": None,
            "member": membership.user,
            "staff": user_with_role(Role.STAFF, is_staff=True),
            "manager": user_with_role(Role.MANAGER),
            "reviewer": user_with_role(Role.REVIEWER),
            "committee": user_with_role(Role.COMMITTEE),
            "administrator": UserFactory(
                is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR]
            ),
            "every role": everyone,
        },
    }


def _walked(world):
    walked = []
    for name, pattern in _patterns():
        view = pattern.callback
        if not _reads_query(view):
            continue
        converters = pattern.pattern.converters
        kwargs = world["args"].get(name)
        assert not converters or kwargs is not None, (
            f"{name} reads query parameters: give it arguments in world['args'] to walk it"
        )
        walked.append((name, reverse(name, kwargs=kwargs or None), sorted(_parameters(view))))
    return walked


def test_the_walk_covers_the_lists_lookups_and_dashboards(world):
    names = {name for name, _url, _params in _walked(world)}

    assert {
        "associations:provinces",
        "associations:communes",
        "associations:verification_queue",
        "calls:list",
        "grants:grants",
        "grants:workspace",
        "conventions:list",
        "reports:dashboard",
    } <= names


def _check(client, url, params, who):
    response = client.get(url, params)
    assert response.status_code < 500, (who, url, params, response.status_code)
    return response


def test_every_parameter_with_every_hostile_value(client, world):
    client.force_login(world["users"]["every role"])
    for _name, url, params in _walked(world):
        for param in params:
            for value in HOSTILE:
                _check(client, url, {param: value}, "every role")
                if param != "export":
                    _check(client, url, {param: value, "export": "csv"}, "every role")


@pytest.mark.parametrize(
    "role", ["anonymous", "member", "staff", "manager", "reviewer", "committee", "administrator"]
)
def test_all_parameters_hostile_at_once_for_each_role(client, world, role):
    user = world["users"][role]
    if user:
        client.force_login(user)
    for _name, url, params in _walked(world):
        for value in HOSTILE:
            _check(client, url, dict.fromkeys(params, value), role)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("associations:provinces", {"region": "abc"}),
        ("associations:communes", {"province": "abc"}),
        ("associations:provinces", {"region": "9" * 20}),
    ],
)
def test_public_lookups_answer_empty_options(client, url, params):
    response = client.get(reverse(url), params)

    assert response.status_code in (200, 400)
    assert '<option value="1' not in response.content.decode()


def test_a_year_beyond_the_calendar_is_refused_not_a_crash(client, world):
    client.force_login(world["users"]["staff"])

    response = client.get(reverse("grants:grants"), {"year": "10000"})

    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()


def test_valid_filters_still_filter(client, world):
    client.force_login(world["users"]["every role"])
    province = world["province"]
    this_year = str(timezone.localdate().year)

    options = client.get(reverse("associations:provinces"), {"region": province.region_id})
    grants = client.get(reverse("grants:grants"), {"year": this_year, "export": "csv"})
    none = client.get(reverse("grants:grants"), {"year": "1999", "export": "csv"})
    conventions = client.get(reverse("conventions:list"), {"year": "2018", "export": "csv"})

    assert province.name_fr in options.content.decode()
    assert grants.content.decode().count("SUB-") == 1
    assert none.content.decode().count("SUB-") == 0
    assert conventions.content.decode().count("CONV-") == 2


def test_the_walk_reads_every_filter_of_the_staff_lists(world):
    params = {name: set(names) for name, _url, names in _walked(world)}

    assert {"q", "domain", "region", "province", "status", "score_min", "score_max"} | {
        "reviewer",
        "sort",
        "export",
        "page",
    } <= params["grants:workspace"]
    assert {"status", "programme", "region", "year", "q", "export", "page"} <= params[
        "grants:grants"
    ]
    assert {"kind", "partner_type", "year", "status", "region", "q", "export", "page"} <= params[
        "conventions:list"
    ]
