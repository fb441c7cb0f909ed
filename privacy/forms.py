"""Sign-up's consent to the personal-data notice (allauth's ACCOUNT_SIGNUP_FORM_CLASS)."""

from allauth.account.adapter import get_adapter
from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.services import record_consent


class SignupConsentForm(forms.Form):
    personal_data_consent = forms.BooleanField(
        label=_(
            "I have read the notice on the protection of personal data and I agree to the "
            "processing of my data for the purposes it describes."
        ),
        required=True,
        error_messages={"required": _("Your consent is needed to create an account.")},
    )

    def signup(self, request, user) -> None:
        record_consent(user, ip=get_adapter(request).get_client_ip(request))
