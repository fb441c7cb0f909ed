"""Forms of the association's side: profile with the region → province → commune cascade,
documents, invitations; and the staff's verification decision."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from associations.models import (
    ActivityArea,
    Association,
    AssociationDocument,
    Commune,
    Membership,
    Province,
    Region,
)
from associations.validators import normalize_rib
from portal.files import validate_upload


class NamedChoiceField(forms.ModelChoiceField):
    """Choices labelled in the reader's language."""

    def label_from_instance(self, obj):
        return obj.name


class PlaceCascadeMixin:
    """Region → province → commune: each list holds the places of the one before, and the
    server refuses a province outside its region or a commune outside its province."""

    def setup_cascade(self, region, province) -> None:
        if region:
            self.fields["province"].queryset = Province.objects.filter(region_id=region)
        if province:
            self.fields["commune"].queryset = Commune.objects.filter(province_id=province)
        self.fields["region"].widget.attrs.update(
            {"data-cascade": "id_province", "data-cascade-url": reverse("associations:provinces")}
        )
        self.fields["province"].widget.attrs.update(
            {"data-cascade": "id_commune", "data-cascade-url": reverse("associations:communes")}
        )

    def check_place(self, data) -> None:
        region, province, commune = data.get("region"), data.get("province"), data.get("commune")
        if region and province and province.region_id != region.pk:
            self.add_error("province", _("This province is not in the chosen region."))
        if province and commune and commune.province_id != province.pk:
            self.add_error("commune", _("This commune is not in the chosen province."))


class AssociationForm(PlaceCascadeMixin, forms.ModelForm):
    region = NamedChoiceField(Region.objects.all(), label=_("Region"))
    province = NamedChoiceField(Province.objects.none(), label=_("Province or prefecture"))
    commune = NamedChoiceField(Commune.objects.none(), label=_("Commune"), required=False)
    activity_areas = forms.ModelMultipleChoiceField(
        ActivityArea.objects.all(),
        label=_("Areas of activity"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Association
        fields = [
            "name_fr",
            "name_ar",
            "acronym",
            "legal_form",
            "registration_number",
            "registration_date",
            "region",
            "province",
            "commune",
            "address",
            "phone",
            "email",
            "website",
            "president_name",
            "bank_name",
            "rib",
            "activity_areas",
        ]
        widgets = {"registration_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_number"].required = True
        # Typed as on the certificate (with spaces or dashes); checked once normalised.
        self.fields["rib"].max_length = 40
        self.fields["rib"].validators = []
        self.fields["rib"].widget.attrs.update(
            {"maxlength": 40, "inputmode": "numeric", "dir": "ltr"}
        )
        self.fields["rib"].help_text = _("24 digits, as on the bank certificate.")
        self.fields["website"].assume_scheme = "https"
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)
        self.setup_cascade(self._chosen("region"), self._chosen("province"))

    def _chosen(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        return getattr(self.instance, f"{name}_id", None) or self.initial.get(name)

    def clean_rib(self):
        return normalize_rib(self.cleaned_data.get("rib", ""))

    def clean(self):
        data = super().clean()
        self.check_place(data)
        return data


class UploadField(forms.FileField):
    """A file checked by its content, its size and nothing else the browser says."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size"):
            upload.checked = validate_upload(upload)
        return upload


class AssociationDocumentForm(forms.ModelForm):
    file = UploadField(label=_("File"))

    class Meta:
        model = AssociationDocument
        fields = ["kind", "file", "expires_on"]
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"expires_on": _("For documents that expire, such as the bank certificate.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"
        self.fields["expires_on"].widget.attrs["class"] = "form-control"


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    def __init__(self, *args, association=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.association = association
        self.fields["email"].widget.attrs["class"] = "form-control"
        self.fields["role"].widget.attrs["class"] = "form-select"

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if self.association.memberships.filter(user__email__iexact=email).exists():
            raise ValidationError(_("This person is already a member of the association."))
        return email


class VerificationForm(forms.Form):
    VERIFY = "verify"
    CHANGES = "changes"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(VERIFY, _("Verify the association")), (CHANGES, _("Ask for corrections"))],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message to the association"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.CHANGES and not data.get("message", "").strip():
            self.add_error("message", _("Say what the association must correct."))
        return data
