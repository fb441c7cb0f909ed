from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from calls.models import Call, Programme
from reports.models import ReportJob


class BilanRequestForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.order_by("name_fr"), to_field_name="code"
    )
    call = forms.ModelChoiceField(
        label=_("Edition"),
        required=False,
        queryset=Call.objects.select_related("programme").exclude(status=Call.Status.DRAFT),
        help_text=_("One edition, or leave empty and give a range of years."),
    )
    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=2000, max_value=2100
    )
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=2000, max_value=2100)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    format = forms.ChoiceField(label=_("Format"), choices=ReportJob.Format.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].label_from_instance = lambda c: f"{c.programme.name} — {c.edition}"

    def clean(self):
        data = super().clean()
        programme, call = data.get("programme"), data.get("call")
        year_from, year_to = data.get("year_from"), data.get("year_to")
        if call and programme and call.programme_id != programme.pk:
            self.add_error("call", _("This edition belongs to another programme."))
        if not call and (year_from is None or year_to is None):
            self.add_error("call", _("Choose an edition, or give both years of a range."))
        if year_from and year_to and year_to < year_from:
            self.add_error("year_to", _("The last year comes before the first one."))
        return data
