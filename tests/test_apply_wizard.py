"""The wizard's steps: named choices with French labels, one class each, found by their slug."""

import pytest
from django.template.loader import get_template
from django.urls import reverse

from grants import wizard
from grants.forms.apply import DomainStepForm, PlaceStepForm, ProjectStepForm
from grants.services.apply import WizardStep
from tests.apply_helpers import budget_data, open_call, place_data, project_data, start
from tests.factories import MembershipFactory
from tests.pages import page

pytestmark = pytest.mark.django_db


def test_the_steps_are_named_choices_with_their_slugs_and_french_labels():
    assert [(step.value, str(step.label)) for step in WizardStep] == [
        ("domaine", "Domaine"),
        ("projet", "Projet"),
        ("lieu", "Lieu et bénéficiaires"),
        ("budget", "Budget"),
        ("documents", "Documents"),
        ("recapitulatif", "Récapitulatif et dépôt"),
    ]


def test_every_step_has_one_class_with_its_page_and_only_steps_with_forms_save():
    assert list(wizard.STEPS) == list(WizardStep)
    for slug, step in wizard.STEPS.items():
        assert step.slug == slug
        assert step.template == f"grants/apply/{slug}.html"
        get_template(step.template)
    assert [slug for slug, step in wizard.STEPS.items() if step.saves] == [
        "domaine",
        "projet",
        "lieu",
        "budget",
    ]
    assert wizard.get("etape-inconnue") is None
    assert wizard.get("lieu") is wizard.STEPS[WizardStep.PLACE]


def test_after_a_step_comes_the_next_or_the_one_asked_for():
    budget = wizard.STEPS[WizardStep.BUDGET]

    assert wizard.after(budget) == WizardStep.DOCUMENTS
    assert wizard.after(budget, "budget") == WizardStep.BUDGET
    assert wizard.after(budget, "ailleurs") == WizardStep.DOCUMENTS
    assert wizard.after(wizard.STEPS[WizardStep.REVIEW]) == WizardStep.REVIEW


@pytest.fixture
def draft(client):
    call_domain = open_call(year=2026, edition="2026")
    membership = MembershipFactory()
    client.force_login(membership.user)
    return start(client, call_domain, membership.association)


def test_each_form_step_shows_what_the_application_holds(client, draft):
    for slug, data in (
        ("projet", project_data()),
        ("lieu", place_data(draft)),
        ("budget", budget_data(requested="150000")),
    ):
        client.post(reverse("grants:apply_step", args=[draft.pk, slug]), data)
    draft.refresh_from_db()

    forms = {slug: step.forms(draft) for slug, step in wizard.STEPS.items()}

    assert isinstance(forms["domaine"]["form"], DomainStepForm)
    assert forms["domaine"]["form"].initial == {"call_domain": draft.call_domain_id}
    assert isinstance(forms["projet"]["form"], ProjectStepForm)
    assert forms["projet"]["form"].initial["title"] == "Maison d'écoute pour femmes"
    place = forms["lieu"]["form"]
    assert isinstance(place, PlaceStepForm)
    assert sorted(v for k, v in place.initial.items() if k.startswith(("women_", "men_"))) == [
        30,
        30,
        120,
        120,
    ]
    assert str(forms["budget"]["form"].initial["requested_amount"]) == "150000.00"
    assert [line["label"] for line in forms["budget"]["lines"].initial] == ["Ateliers"]
    assert set(forms["documents"]) == {"upload_form"}
    assert forms["recapitulatif"] == {}


def test_the_pages_list_the_steps_in_french_in_order(client, draft):
    response = client.get(reverse("grants:apply_step", args=[draft.pk, "lieu"]))

    text = page(response)
    assert response.status_code == 200
    positions = [
        text.index(f"{n}. {label}")
        for n, label in enumerate(
            [
                "Domaine",
                "Projet",
                "Lieu et bénéficiaires",
                "Budget",
                "Documents",
                "Récapitulatif et dépôt",
            ],
            start=1,
        )
    ]
    assert positions == sorted(positions)
    assert response.context["step"] == WizardStep.PLACE


def test_an_unknown_step_or_the_autosave_of_a_step_without_form_is_404(client, draft):
    assert client.get(reverse("grants:apply_step", args=[draft.pk, "inconnue"])).status_code == 404
    for slug in ("inconnue", "documents", "recapitulatif"):
        url = reverse("grants:apply_autosave", args=[draft.pk, slug])
        assert client.post(url, {"title": "x"}).status_code == 404


def test_saving_a_step_goes_on_to_the_next_or_stays_when_asked(client, draft):
    url = reverse("grants:apply_step", args=[draft.pk, "projet"])

    onward = client.post(url, project_data())
    stay = client.post(url, {**project_data(title="Nouveau titre"), "go": "projet"})

    assert onward["Location"] == reverse("grants:apply_step", args=[draft.pk, "lieu"])
    assert stay["Location"] == url
    draft.refresh_from_db()
    assert draft.title == "Nouveau titre"
