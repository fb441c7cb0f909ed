"""The application wizard's forms, one per step.

Each form works in two modes. Saving a step (``partial=False``) checks everything the step
needs and shows each problem next to its field. Autosave (``partial=True``) makes every field
optional and keeps whatever is valid, so that nothing typed is lost, even half a step.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from associations.forms import NamedChoiceField, PlaceCascadeMixin, UploadField
from associations.models import Commune, Province, Region
from calls.models import CallDomain
from grants.models import BudgetLine
from portal.money import format_amount


class StepForm(forms.Form):
    """Bootstrap classes, and the partial mode of autosave."""

    def __init__(self, *args, partial: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.partial = partial
        for field in self.fields.values():
            if partial:
                field.required = False
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def valid_data(self) -> dict:
        """The fields that passed their own checks (all of them when the form is valid)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


class DomainStepForm(StepForm):
    call_domain = forms.ModelChoiceField(
        CallDomain.objects.none(), label=_("Domain"), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["call_domain"]
        field.queryset = call.call_domains.select_related("domain").order_by("order")
        field.label_from_instance = lambda line: (
            _("%(domain)s — up to %(cap)s DH per project")
            % {
                "domain": line.domain.name,
                "cap": format_amount(line.max_grant),
            }
        )
        field.widget.attrs["class"] = "form-check-input"


class ProjectStepForm(StepForm):
    title = forms.CharField(label=_("Project title"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    objectives = forms.CharField(label=_("Objectives"), widget=forms.Textarea(attrs={"rows": 4}))
    activities = forms.CharField(label=_("Activities"), widget=forms.Textarea(attrs={"rows": 5}))
    duration_months = forms.IntegerField(label=_("Duration (months)"), min_value=1, max_value=60)


class PlaceStepForm(PlaceCascadeMixin, StepForm):
    """Where the project takes place, and whom it reaches, by target public and sex."""

    region = NamedChoiceField(Region.objects.all(), label=_("Region"))
    province = NamedChoiceField(Province.objects.none(), label=_("Province or prefecture"))
    commune = NamedChoiceField(Commune.objects.none(), label=_("Commune"), required=False)

    def __init__(self, *args, publics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.publics = list(publics)
        for public in self.publics:
            for sex, label in (("women", _("women and girls")), ("men", _("men and boys"))):
                self.fields[f"{sex}_{public.pk}"] = forms.IntegerField(
                    label=f"{public.name} — {label}",
                    min_value=0,
                    max_value=10_000_000,
                    required=False,
                    widget=forms.NumberInput(
                        attrs={"class": "form-control", "inputmode": "numeric"}
                    ),
                )
        source = self.data if self.is_bound else self.initial
        self.setup_cascade(source.get("region"), source.get("province"))

    def public_rows(self):
        return [
            (public, self[f"women_{public.pk}"], self[f"men_{public.pk}"])
            for public in self.publics
        ]

    def clean(self):
        data = super().clean()
        self.check_place(data)
        if not self.partial and self.publics:
            reached = sum(
                (data.get(f"{sex}_{public.pk}") or 0)
                for public in self.publics
                for sex in ("women", "men")
            )
            if reached == 0:
                raise ValidationError(_("Say how many people the project reaches."))
        return data


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—"), *BudgetLine.Category.choices]
    )
    label = forms.CharField(label=_("Description"), max_length=255)
    total = forms.DecimalField(label=_("Total cost"), min_value=0, max_digits=14, decimal_places=2)
    association_share = forms.DecimalField(
        label=_("Association's share"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    cofunding_share = forms.DecimalField(
        label=_("Other co-funders' share"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if name == "category"
                else "form-control form-control-sm"
            )
            if isinstance(field, forms.DecimalField):
                field.widget.attrs.update(
                    {"step": "0.01", "inputmode": "decimal", "data-sum": name}
                )

    def clean(self):
        data = super().clean()
        total = data.get("total")
        shares = (data.get("association_share") or 0) + (data.get("cofunding_share") or 0)
        if total is not None and shares > total:
            self.add_error(
                "total", _("The association's and co-funders' shares exceed the line's cost.")
            )
        return data


class CoFunderForm(forms.Form):
    name = forms.CharField(label=_("Co-funder"), max_length=255)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)
    confirmed = forms.BooleanField(label=_("Confirmed"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["amount"].widget.attrs.update(
            {"class": "form-control form-control-sm", "step": "0.01", "data-sum": "cofunder"}
        )
        self.fields["confirmed"].widget.attrs["class"] = "form-check-input"


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=1, can_delete=True, max_num=60)
CoFunderFormSet = forms.formset_factory(CoFunderForm, extra=1, can_delete=True, max_num=20)


class RequestedAmountForm(StepForm):
    requested_amount = forms.DecimalField(
        label=_("Amount requested from the ministry (DH)"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"step": "0.01", "inputmode": "decimal", "data-requested": "1"}
        ),
    )


class DocumentUploadForm(forms.Form):
    file = UploadField(label=_("File"))
    required_document = forms.IntegerField(required=False, widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the application?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class ComplementAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"})
    )
