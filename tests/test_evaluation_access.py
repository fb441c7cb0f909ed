"""Who may open what on the ministry's side; the workspace's queries and exports."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grants.models import CommitteeMinutes
from grants.services import evaluation as services
from portal.roles import Role
from tests.factories import (
    ApplicationFactory,
    CallDomainFactory,
    CriterionFactory,
    MembershipFactory,
    user_with_role,
)
from tests.pages import page
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A call with one application under review by an assigned and a conflicted reviewer."""
    line = CallDomainFactory(envelope=Decimal("500000"), max_grant=Decimal("200000"))
    CriterionFactory(call=line.call)
    staff = user_with_role(Role.STAFF)
    application = ApplicationFactory(
        call_domain=line, status="submitted", reference="AAP-2026-X-00001", title="=HYPERLINK()"
    )
    member = MembershipFactory(association=application.association).user
    services.declare_admissible(application, by=staff)
    assigned = user_with_role(Role.REVIEWER)
    conflicted = user_with_role(Role.REVIEWER)
    a_assigned = services.assign(application, assigned, by=staff)
    a_conflicted = services.assign(application, conflicted, by=staff)
    services.declare_conflict(a_conflicted, reason="Lien familial")
    minutes = CommitteeMinutes.objects.create(call=line.call)
    return {
        "call": line.call,
        "application": application,
        "assignment": a_assigned,
        "conflicted_assignment": a_conflicted,
        "minutes": minutes,
        "users": {
            "staff": staff,
            "reviewer_assigned": assigned,
            "reviewer_not_assigned": user_with_role(Role.REVIEWER),
            "reviewer_conflicted": conflicted,
            "committee": user_with_role(Role.COMMITTEE),
            "manager": user_with_role(Role.MANAGER),
            "association_member": member,
        },
    }


def _get_urls(w):
    call, application, minutes = w["call"], w["application"], w["minutes"]
    return {
        "calls": reverse("grants:evaluation_calls"),
        "workspace": reverse("grants:workspace", args=[call.pk]),
        "instruction": reverse("grants:instruction", args=[application.pk]),
        "ranking": reverse("grants:ranking", args=[call.pk]),
        "minutes_pdf": reverse("grants:minutes_pdf", args=[minutes.pk]),
        "my_reviews": reverse("grants:my_reviews"),
        "review": reverse("grants:review", args=[w["assignment"].pk]),
        "review_conflicted": reverse("grants:review", args=[w["conflicted_assignment"].pk]),
    }


def _post_urls(w):
    call, application, minutes = w["call"], w["application"], w["minutes"]
    return {
        "auto_assign": reverse("grants:auto_assign", args=[call.pk]),
        "admissibility": reverse("grants:admissibility", args=[application.pk]),
        "assign": reverse("grants:assign", args=[application.pk]),
        "consensus": reverse("grants:consensus", args=[application.pk]),
        "decide": reverse("grants:decide", args=[application.pk]),
        "decide_bulk": reverse("grants:decide_bulk", args=[call.pk]),
        "minutes_close": reverse("grants:minutes_close", args=[minutes.pk]),
        "minutes_reopen": reverse("grants:minutes_reopen", args=[minutes.pk]),
    }


OK = 200
GO = 302  # the action ran (or refused with a message) and sent the user back
NO = 404

# GET pages: (calls, workspace, instruction, ranking, minutes_pdf, my_reviews, review,
# review_conflicted)
GETS = {
    "staff": (OK, OK, OK, OK, OK, NO, NO, NO),
    "reviewer_assigned": (NO, NO, NO, NO, NO, OK, OK, NO),
    "reviewer_not_assigned": (NO, NO, NO, NO, NO, OK, NO, NO),
    "reviewer_conflicted": (NO, NO, NO, NO, NO, OK, NO, NO),
    "committee": (OK, OK, OK, OK, OK, NO, NO, NO),
    "manager": (OK, OK, OK, OK, OK, NO, NO, NO),
    "association_member": (NO, NO, NO, NO, NO, NO, NO, NO),
}
# POST actions: (auto_assign, admissibility, assign, consensus, decide, decide_bulk,
# minutes_close, minutes_reopen)
POSTS = {
    "staff": (GO, GO, GO, GO, GO, GO, GO, GO),
    "reviewer_assigned": (NO,) * 8,
    "reviewer_not_assigned": (NO,) * 8,
    "reviewer_conflicted": (NO,) * 8,
    "committee": (NO, NO, NO, NO, GO, GO, NO, NO),
    "manager": (NO,) * 8,
    "association_member": (NO,) * 8,
}


@pytest.mark.parametrize("role", list(GETS))
def test_the_permission_matrix_of_every_page_and_action(client, world, role):
    client.force_login(world["users"][role])

    gets = tuple(client.get(url).status_code for url in _get_urls(world).values())
    data = {"action": "admissible"}  # the admissibility form's buttons say which action
    posts = tuple(client.post(url, data).status_code for url in _post_urls(world).values())

    assert gets == GETS[role]
    assert posts == POSTS[role]


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    for url in [*_get_urls(world).values(), *_post_urls(world).values()]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


def test_the_workspace_queries_do_not_grow_with_the_applications(client, world):
    client.force_login(world["users"]["staff"])
    call = world["call"]
    few = page_queries(client, reverse("grants:workspace", args=[call.pk]))
    line = call.call_domains.get()
    for n in range(15):
        ApplicationFactory(call_domain=line, status="submitted", reference=f"AAP-2026-X-1{n:04d}")

    assert page_queries(client, reverse("grants:workspace", args=[call.pk])) == few


def test_the_workspace_filters_and_exports_the_filtered_list(client, world):
    call = world["call"]
    line = call.call_domains.get()
    ApplicationFactory(call_domain=line, status="submitted", reference="AAP-2026-X-00099")
    client.force_login(world["users"]["staff"])
    url = reverse("grants:workspace", args=[call.pk])

    filtered = page(client.get(url, {"status": "under_review"}))
    by_reviewer = page(client.get(url, {"reviewer": world["users"]["reviewer_assigned"].pk}))
    csv = client.get(url, {"status": "under_review", "export": "csv"}).content.decode("utf-8-sig")
    xlsx = client.get(url, {"q": "X-00001", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active

    assert "AAP-2026-X-00001" in filtered
    assert "AAP-2026-X-00099" not in filtered
    assert "AAP-2026-X-00099" not in by_reviewer
    assert "AAP-2026-X-00001" in csv
    assert "AAP-2026-X-00099" not in csv
    assert "'=HYPERLINK()" in csv  # formula neutralised
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "AAP-2026-X-00001"
    assert rows[1][5] == "'=HYPERLINK()"
    assert rows[1][6] == 100000  # amounts stay numbers
    assert not isinstance(rows[1][6], str)


# --- A reviewer's declaration of interests, then the files ------------------------------------


def _document(application):
    from django.core.files.base import ContentFile

    from grants.models import ApplicationDocument

    return ApplicationDocument.objects.create(
        application=application,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="budget.pdf"),
        original_name="budget.pdf",
        content_type="application/pdf",
        size=15,
    )


def test_an_assigned_reviewer_opens_the_files_only_after_declaring_no_conflict(client, world):
    application = world["application"]
    url = reverse("grants:document", args=[application.pk, _document(application).pk])
    review = reverse("grants:review", args=[world["assignment"].pk])
    client.force_login(world["users"]["reviewer_assigned"])

    before = client.get(url)
    client.post(review, {"action": "no_conflict", "declaration": "no_conflict"})
    after = client.get(url)

    assert before.status_code == 404
    assert after.status_code == 200
    assert after["Content-Disposition"].startswith("attachment")
    assert b"".join(after.streaming_content).startswith(b"%PDF")


def test_a_reviewer_who_declared_a_conflict_never_opens_the_files(client, world):
    application = world["application"]
    url = reverse("grants:document", args=[application.pk, _document(application).pk])
    other = user_with_role(Role.REVIEWER)
    assignment = services.assign(application, other, by=world["users"]["staff"])
    client.force_login(other)

    client.post(
        reverse("grants:review", args=[assignment.pk]),
        {"action": "conflict", "reason": "Ancien salarié de l'association"},
    )

    assignment.refresh_from_db()
    assert assignment.status == "conflict"
    assert client.get(url).status_code == 404
    client.force_login(world["users"]["reviewer_conflicted"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("staff", 200),
        ("manager", 200),
        ("association_member", 200),
        ("reviewer_assigned", 404),  # not declared yet
        ("reviewer_not_assigned", 404),
        ("reviewer_conflicted", 404),
    ],
)
def test_who_downloads_an_applications_file(client, world, role, status):
    application = world["application"]
    client.force_login(world["users"][role])

    response = client.get(
        reverse("grants:document", args=[application.pk, _document(application).pk])
    )

    assert response.status_code == status


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "no_conflict"},  # the button alone, box not ticked
        {"action": "no_conflict", "declaration": "on"},
        {"action": "no_conflict", "declaration": "1"},
        {"action": "anything", "reason": "x"},
    ],
)
def test_declaring_no_conflict_needs_the_ticked_declaration(client, world, data):
    assignment = world["assignment"]
    client.force_login(world["users"]["reviewer_assigned"])

    response = client.post(reverse("grants:review", args=[assignment.pk]), data)

    assert response.status_code == 200
    text = page(response)
    assert "Cochez la case pour déclarer que vous n'avez aucun conflit d'intérêts." in text
    assert world["application"].title not in text  # the content stays hidden
    assignment.refresh_from_db()
    assert (assignment.status, assignment.no_conflict_declared_at) == ("assigned", None)
    assert [c.to_state for c in assignment.status_history] == []


def test_the_declaration_page_asks_for_the_ticked_box_then_opens_the_application(client, world):
    assignment = world["assignment"]
    url = reverse("grants:review", args=[assignment.pk])
    client.force_login(world["users"]["reviewer_assigned"])

    form = page(client.get(url))
    declared = client.post(url, {"action": "no_conflict", "declaration": "no_conflict"})

    assert "Je déclare n'avoir aucun conflit d'intérêts" in form
    assert 'name="declaration"' in form
    assert 'value="no_conflict"' in form
    assert declared.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "in_progress"
    assert assignment.no_conflict_declared_at is not None
    assert "AAP-2026-X-00001" in page(client.get(url))


def test_the_reviewer_s_page_sends_a_conflict_to_the_list_and_no_conflict_to_the_grid(
    client, world
):
    reviewer = world["users"]["reviewer_assigned"]
    other = services.assign(
        world["application"], user_with_role(Role.REVIEWER), by=world["users"]["staff"]
    )
    declared = reverse("grants:review", args=[world["assignment"].pk])
    client.force_login(reviewer)

    no_conflict = client.post(declared, {"action": "no_conflict", "declaration": "no_conflict"})
    grid = page(client.get(declared))
    client.force_login(other.reviewer)
    conflict = client.post(
        reverse("grants:review", args=[other.pk]), {"action": "conflict", "reason": "Trésorier."}
    )

    assert no_conflict.url == declared
    assert "Grille d'évaluation" in grid
    assert "Déclaration d'intérêts" not in grid
    assert conflict.url == reverse("grants:my_reviews")
