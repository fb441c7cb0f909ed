"""Forms of the follow-up: signature, payment, reports, visits, audits, grant decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from associations.forms import UploadField
from grants.models import Audit


def _styled(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-control")


class Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


# A date field of the browser reads and sends ISO dates only, whatever the language.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SignForm(Styled):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    scan = UploadField(label=_("Signed convention (scan)"))


class PaymentForm(Styled):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    reference = forms.CharField(label=_("Payment reference"), max_length=80)


class ReportForm(Styled):
    activities_done = forms.CharField(
        label=_("Activities carried out"), widget=forms.Textarea(attrs={"rows": 5})
    )
    difficulties = forms.CharField(
        label=_("Difficulties met"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, publics=(), budget_lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.publics = list(publics)
        self.budget_lines = list(budget_lines)
        for public in self.publics:
            for sex, label in (("women", _("women and girls")), ("men", _("men and boys"))):
                self.fields[f"{sex}_{public.pk}"] = forms.IntegerField(
                    label=f"{public.name} — {label}", min_value=0, initial=0
                )
        for line in self.budget_lines:
            self.fields[f"spent_{line.pk}"] = forms.DecimalField(
                label=line.label, min_value=0, max_digits=14, decimal_places=2, required=False
            )
            self.fields[f"receipt_{line.pk}"] = UploadField(label=_("Receipt"), required=False)
        _styled(self)

    def public_rows(self):
        return [(p, self[f"women_{p.pk}"], self[f"men_{p.pk}"]) for p in self.publics]

    def expense_rows(self):
        return [
            (line, self[f"spent_{line.pk}"], self[f"receipt_{line.pk}"])
            for line in self.budget_lines
        ]

    def clean(self):
        data = super().clean()
        for line in self.budget_lines:
            if data.get(f"receipt_{line.pk}") and not data.get(f"spent_{line.pk}"):
                self.add_error(f"spent_{line.pk}", _("Give the amount this receipt justifies."))
        return data

    def beneficiaries(self) -> dict:
        return {
            p.pk: (self.cleaned_data[f"women_{p.pk}"], self.cleaned_data[f"men_{p.pk}"])
            for p in self.publics
        }

    def expenses(self) -> list[dict]:
        rows = []
        for line in self.budget_lines:
            amount = self.cleaned_data.get(f"spent_{line.pk}")
            if amount:
                rows.append(
                    {
                        "budget_line": line,
                        "label": line.label,
                        "amount": amount,
                        "receipt": self.cleaned_data.get(f"receipt_{line.pk}"),
                    }
                )
        return rows


class ReportReviewForm(Styled):
    comment = forms.CharField(
        label=_("Comment to the association"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VisitForm(Styled):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DATE)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    rating = forms.IntegerField(label=_("Rating (1 to 5)"), min_value=1, max_value=5)


class AuditForm(Styled):
    kind = forms.ChoiceField(label=_("Kind"), choices=Audit.Kind.choices)
    auditor = forms.CharField(label=_("Auditor"), max_length=255)
    started_on = forms.DateField(label=_("Started on"), widget=DATE)
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RecommendationForm(Styled):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)


class NoteForm(Styled):
    note = forms.CharField(
        label=_("How it was addressed"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(Styled):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(ReasonForm):
    reimbursement = forms.DecimalField(
        label=_("Amount to reimburse (DH)"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
