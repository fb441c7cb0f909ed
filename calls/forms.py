from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import Domain, Programme


class LocalisedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CallFilterForm(forms.Form):
    programme = LocalisedChoiceField(
        Programme.objects.all(), required=False, label=_("Programme"), empty_label=_("All")
    )
    domain = LocalisedChoiceField(
        Domain.objects.select_related("programme"),
        required=False,
        label=_("Domain"),
        empty_label=_("All"),
    )
