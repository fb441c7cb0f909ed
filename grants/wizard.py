"""The steps of the application wizard, one class each, found by their slug in ``STEPS``.

A step knows its page (``grants/apply/<slug>.html``), its forms, what they show of the saved
application, how what was posted is saved through ``grants.services.apply``, and what else its
page shows. Steps with forms save (``saves``): a whole step when the user saves it, whatever
is valid of it when the page autosaves (``partial``). The views only parse, call and render.
"""

from __future__ import annotations

from collections import defaultdict

from grants.forms.apply import (
    BudgetLineFormSet,
    CoFunderFormSet,
    DocumentUploadForm,
    DomainStepForm,
    PlaceStepForm,
    ProjectStepForm,
    RequestedAmountForm,
)
from grants.services import apply as services
from grants.services.apply import WizardStep


class Step:
    """A page of the wizard that only shows the application (its files, the review)."""

    slug: WizardStep
    saves = False

    @property
    def template(self) -> str:
        return f"grants/apply/{self.slug}.html"

    @property
    def title(self) -> str:
        return self.slug.label

    def forms(self, application, data=None, *, partial: bool = False) -> dict:
        """The step's forms by their name in the page: bound to ``data`` when given,
        otherwise showing what the application holds."""
        return {}

    def save(self, application, forms: dict, *, partial: bool) -> bool:
        """Save what is valid of the bound ``forms``; whether the whole step is valid."""
        raise NotImplementedError

    def save_posted(self, application, data, *, partial: bool) -> tuple[bool, dict]:
        """Save what was posted (run it in a transaction): whether the whole step is valid, and
        the bound forms to show again with their errors."""
        forms = self.forms(application, data, partial=partial)
        return self.save(application, forms, partial=partial), forms

    def extra_context(self, application) -> dict:
        """What the page shows besides the forms."""
        return {}


class FormStep(Step):
    """A step of one form (``form_class``) that saves the application's fields."""

    saves = True
    form_class: type

    def form(self, application, **kwargs):
        return self.form_class(**kwargs)

    def initial(self, application) -> dict:
        return {}

    def forms(self, application, data=None, *, partial: bool = False) -> dict:
        if data is None:
            return {"form": self.form(application, initial=self.initial(application))}
        return {"form": self.form(application, data=data, partial=partial)}


class DomainStep(FormStep):
    slug = WizardStep.DOMAIN
    form_class = DomainStepForm

    def form(self, application, **kwargs):
        return self.form_class(call=application.call, **kwargs)

    def initial(self, application) -> dict:
        return {"call_domain": application.call_domain_id}

    def save(self, application, forms: dict, *, partial: bool) -> bool:
        form = forms["form"]
        values = form.valid_data()
        if values.get("call_domain") is not None:
            services.save_fields(application, {"call_domain": values["call_domain"]})
        return form.is_valid()


class ProjectStep(FormStep):
    slug = WizardStep.PROJECT
    form_class = ProjectStepForm
    fields = ("title", "summary", "objectives", "activities", "duration_months")

    def initial(self, application) -> dict:
        return {name: getattr(application, name) for name in self.fields}

    def save(self, application, forms: dict, *, partial: bool) -> bool:
        form = forms["form"]
        services.save_fields(application, form.valid_data())
        return form.is_valid()


class PlaceStep(FormStep):
    """Where the project takes place, and how many people of each of the domain's target
    publics it reaches."""

    slug = WizardStep.PLACE
    form_class = PlaceStepForm

    def form(self, application, **kwargs):
        publics = (
            list(application.call_domain.domain.target_publics.all())
            if application.call_domain_id
            else []
        )
        return self.form_class(publics=publics, **kwargs)

    def initial(self, application) -> dict:
        initial = {
            "region": application.region_id,
            "province": application.province_id,
            "commune": application.commune_id,
        }
        for row in application.beneficiaries.all():
            initial[f"women_{row.target_public_id}"] = row.women
            initial[f"men_{row.target_public_id}"] = row.men
        return initial

    def save(self, application, forms: dict, *, partial: bool) -> bool:
        form = forms["form"]
        values = form.valid_data()
        services.save_fields(
            application,
            {key: values[key] for key in ("region", "province", "commune") if key in values},
        )
        counts = {
            public.pk: (values.get(f"women_{public.pk}"), values.get(f"men_{public.pk}"))
            for public in form.publics
            if f"women_{public.pk}" in values and f"men_{public.pk}" in values
        }
        services.save_beneficiaries(application, counts)
        return form.is_valid()


LINE_FIELDS = ("category", "label", "total", "association_share", "cofunding_share")
COFUNDER_FIELDS = ("name", "amount", "confirmed")


def _rows(formset, fields, *, partial):
    """The rows to keep: every filled, valid, not deleted row (all must be valid unless partial)."""
    rows = []
    for form in formset.forms:
        if not form.has_changed():  # a blank row left as it was
            continue
        form.is_valid()
        if form.cleaned_data.get("DELETE"):
            continue
        if form.errors:
            if partial:
                continue
            return None
        if form.cleaned_data:
            rows.append({name: form.cleaned_data[name] for name in fields})
    return rows


class BudgetStep(Step):
    """The amount requested (``form``), the budget lines and the co-funders (formsets)."""

    slug = WizardStep.BUDGET
    saves = True

    def forms(self, application, data=None, *, partial: bool = False) -> dict:
        if data is not None:  # the rows as typed
            return {
                "form": RequestedAmountForm(data, partial=partial),
                "lines": BudgetLineFormSet(data, prefix="lines"),
                "cofunders": CoFunderFormSet(data, prefix="cofunders"),
            }
        return {
            "form": RequestedAmountForm(
                initial={"requested_amount": application.requested_amount or None}
            ),
            "lines": BudgetLineFormSet(
                prefix="lines",
                initial=[
                    {name: getattr(line, name) for name in LINE_FIELDS}
                    for line in application.budget_lines.all()
                ],
            ),
            "cofunders": CoFunderFormSet(
                prefix="cofunders",
                initial=[
                    {name: getattr(row, name) for name in COFUNDER_FIELDS}
                    for row in application.cofunders.all()
                ],
            ),
        }

    def save(self, application, forms: dict, *, partial: bool) -> bool:
        amount, lines, cofunders = forms["form"], forms["lines"], forms["cofunders"]
        values = amount.valid_data()
        if values.get("requested_amount") is not None:
            services.save_fields(application, {"requested_amount": values["requested_amount"]})
        line_rows = _rows(lines, LINE_FIELDS, partial=partial) if lines.is_bound else []
        cofunder_rows = _rows(cofunders, COFUNDER_FIELDS, partial=partial)
        valid = lines.is_valid() and cofunders.is_valid() and amount.is_valid()
        if line_rows is not None and cofunder_rows is not None and (partial or valid):
            services.save_budget(application, lines=line_rows, cofunders=cofunder_rows)
        return valid

    def extra_context(self, application) -> dict:
        return {
            "totals": services.budget_totals(application),
            "cap": application.call_domain.max_grant if application.call_domain_id else None,
        }


class DocumentsStep(Step):
    """The call's checklist of documents with the files attached to each, and the others.
    Files are added and removed by their own views."""

    slug = WizardStep.DOCUMENTS

    def forms(self, application, data=None, *, partial: bool = False) -> dict:
        return {"upload_form": DocumentUploadForm()}

    def extra_context(self, application) -> dict:
        present = defaultdict(list)
        others = []
        for document in application.documents.filter(removed_at=None):
            (
                present[document.required_document_id] if document.required_document_id else others
            ).append(document)
        return {
            "checklist": [
                (required, present.get(required.pk, []))
                for required in application.call.required_documents.order_by("order")
            ],
            "others": others,
        }


class ReviewStep(Step):
    """Everything the application holds, and what still stops its submission."""

    slug = WizardStep.REVIEW

    def extra_context(self, application) -> dict:
        return {
            "problems": services.problems(application),
            "totals": services.budget_totals(application),
            "data": services.snapshot(application) if application.call_domain_id else None,
        }


STEPS: dict[WizardStep, Step] = {
    step.slug: step
    for step in (
        DomainStep(),
        ProjectStep(),
        PlaceStep(),
        BudgetStep(),
        DocumentsStep(),
        ReviewStep(),
    )
}


def get(slug: str) -> Step | None:
    """The step of that slug in a URL, or ``None``."""
    try:
        return STEPS[WizardStep(slug)]
    except ValueError:
        return None


def after(step: Step, go: str | None = None) -> WizardStep:
    """Where saving ``step`` leads: the step asked for (``go``), or else the next one."""
    if go in WizardStep.values:
        return WizardStep(go)
    order = list(WizardStep)
    return order[min(order.index(step.slug) + 1, len(order) - 1)]


def navigation(current: WizardStep) -> list[dict]:
    """The wizard's steps as the page lists them, numbered, with the current one marked."""
    return [
        {"slug": slug, "title": slug.label, "current": slug == current, "number": number}
        for number, slug in enumerate(WizardStep, start=1)
    ]


def context(application, step: Step, forms: dict | None = None) -> dict:
    """What the step's page shows: the forms given (bound, with their errors) or the saved
    application in them, and the step's own figures."""
    return {
        "application": application,
        "call": application.call,
        "step": step.slug,
        "steps": navigation(step.slug),
        "step_title": step.title,
        **(forms or step.forms(application)),
        **step.extra_context(application),
    }
