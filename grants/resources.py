"""Spreadsheet import/export of applications and grants, keyed by reference numbers."""

from import_export import fields
from import_export.widgets import ForeignKeyWidget

from associations.models import Association, Province, Region
from calls.models import Call, CallDomain
from grants.models import Application, Grant
from portal.resources import ModelResource
from portal.spreadsheets import CodeWidget


class CallWidget(ForeignKeyWidget):
    """A call written ``programme-code/edition``, e.g. ``migrants-refugies/2017``."""

    def __init__(self):
        super().__init__(Call)

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        programme, _, edition = str(value).partition("/")
        return Call.objects.get(programme__code=programme, edition=edition)

    def render(self, value, obj=None, **kwargs):
        return f"{value.programme.code}/{value.edition}" if value else ""


class CallDomainWidget(ForeignKeyWidget):
    """A call's domain by its code, within the row's call."""

    def __init__(self):
        super().__init__(CallDomain)

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        call = CallWidget().clean(row.get("call"))
        return CallDomain.objects.get(call=call, domain__code=value)

    def render(self, value, obj=None, **kwargs):
        return value.domain.code if value else ""


class ApplicationResource(ModelResource):
    # computed from the reviews by grants.scoring; the status, by portal.resources itself
    workflow_fields = ("score", "passes_grid", "needs_consensus")

    call = fields.Field(attribute="call", column_name="call", widget=CallWidget())
    call_domain = fields.Field(
        attribute="call_domain", column_name="domain", widget=CallDomainWidget()
    )
    association = fields.Field(
        attribute="association",
        column_name="association",
        widget=CodeWidget(Association, field="registration_number"),
    )
    region = fields.Field(
        attribute="region", column_name="region", widget=CodeWidget(Region, field="code")
    )
    province = fields.Field(
        attribute="province",
        column_name="province",
        widget=CodeWidget(Province, field="code"),
    )

    class Meta:
        model = Application
        import_id_fields = ("reference",)
        fields = (
            "reference",
            "call",
            "call_domain",
            "association",
            "title",
            "summary",
            "duration_months",
            "region",
            "province",
            "requested_amount",
            "currency",
            "status",
            "score",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class GrantResource(ModelResource):
    # written by the tranches' payments and the cancellation, under the grant's row lock
    workflow_fields = ("paid_amount", "reimbursement_amount")
    # decided by the committee within the domain's envelope, under the domain's row lock
    fixed_fields = ("amount",)

    application = fields.Field(
        attribute="application",
        column_name="application",
        widget=CodeWidget(Application, field="reference"),
    )
    association = fields.Field(
        attribute="application__association__name_fr", column_name="association", readonly=True
    )

    class Meta:
        model = Grant
        import_id_fields = ("reference",)
        fields = (
            "reference",
            "application",
            "association",
            "amount",
            "paid_amount",
            "currency",
            "status",
            "awarded_on",
            "starts_on",
            "ends_on",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
