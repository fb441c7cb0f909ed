"""Spreadsheet import/export of the conventions register."""

from import_export import fields

from conventions.models import Convention, PartnerType
from portal.resources import ModelResource
from portal.spreadsheets import CodeWidget


class ConventionResource(ModelResource):
    partner_type = fields.Field(
        attribute="partner_type",
        column_name="partner_type",
        widget=CodeWidget(PartnerType, field="code"),
    )

    class Meta:
        model = Convention
        import_id_fields = ("reference",)
        fields = (
            "reference",
            "kind",
            "text_kind",
            "title_fr",
            "title_ar",
            "partner_type",
            "place",
            "signed_on",
            "year",
            "starts_on",
            "ends_on",
            "amount",
            "currency",
            "status",
            "objective",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
