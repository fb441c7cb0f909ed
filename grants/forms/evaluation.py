"""Forms of the ministry's side: workspace filters, admissibility, assignment, scores,
consensus and decisions."""

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import Application, Decision


class InadmissibleForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons for inadmissibility"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


def default_complements_due_at():
    """The end of the day ``COMPLEMENTS_DEFAULT_DAYS`` days from today, Morocco time."""
    day = timezone.localdate() + timedelta(days=settings.COMPLEMENTS_DEFAULT_DAYS)
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


class ComplementRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What is missing"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    due_at = forms.DateTimeField(
        label=_("Answer due by"),
        # The browser's date-time picker reads this format only, whatever the language.
        widget=forms.DateTimeInput(
            format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local", "class": "form-control"}
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Pre-filled with the default delay; the officer may set another date.
        self.fields["due_at"].initial = default_complements_due_at


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(None, label=_("Reviewer"))

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda u: u.get_full_name() or u.email
        self.fields["reviewer"].widget.attrs["class"] = "form-select form-select-sm"


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("The conflict of interest"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class DeclarationCheckbox(forms.CheckboxInput):
    """Ticked only when the posted value is exactly ``no_conflict``: no other value, and no
    other button of the page, counts as the declaration."""

    VALUE = "no_conflict"

    def __init__(self, attrs=None):
        super().__init__({"class": "form-check-input", **(attrs or {}), "value": self.VALUE})

    def value_from_datadict(self, data, files, name):
        return data.get(name) == self.VALUE


class NoConflictForm(forms.Form):
    """The reviewer's explicit declaration that they have no conflict of interest."""

    declaration = forms.BooleanField(
        label=_(
            "I declare that I have no conflict of interest with this association or its "
            "project (membership, family or professional tie, financial interest), and I will "
            "keep the application confidential."
        ),
        widget=DeclarationCheckbox,
        error_messages={
            "required": _("Tick the box to declare that you have no conflict of interest.")
        },
    )


class ReviewForm(forms.Form):
    """One score and comment per criterion of the call's grid, and an overall comment."""

    comment = forms.CharField(
        label=_("Overall comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=criterion.name,
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def values(self) -> dict:
        return {
            c.pk: (
                self.cleaned_data.get(f"score_{c.pk}"),
                self.cleaned_data.get(f"comment_{c.pk}", ""),
            )
            for c in self.criteria
        }


class ConsensusForm(forms.Form):
    score = forms.DecimalField(
        label=_("Consensus score (out of 100)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Decision.Outcome.choices)
    amount = forms.DecimalField(
        label=_("Amount approved (DH)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    reason = forms.CharField(label=_("Reason"), required=False)


class BulkDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Decision.Outcome.choices)
    applications = forms.ModelMultipleChoiceField(Application.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False)

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = Application.objects.filter(call=call)


class ReopenMinutesForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen the minutes?"))
