"""Spreadsheet import/export of associations, with territories by their codes."""

from import_export import fields

from associations.models import Association, Commune, Province, Region
from portal.resources import ModelResource
from portal.spreadsheets import CodeWidget


class AssociationResource(ModelResource):
    region = fields.Field(
        attribute="region", column_name="region", widget=CodeWidget(Region, field="code")
    )
    province = fields.Field(
        attribute="province",
        column_name="province",
        widget=CodeWidget(Province, field="code"),
    )
    commune = fields.Field(
        attribute="commune",
        column_name="commune",
        widget=CodeWidget(Commune, field="code"),
    )

    class Meta:
        model = Association
        import_id_fields = ("registration_number",)
        fields = (
            "registration_number",
            "registration_date",
            "name_fr",
            "name_ar",
            "acronym",
            "legal_form",
            "region",
            "province",
            "commune",
            "address",
            "phone",
            "email",
            "president_name",
            "bank_name",
            "rib",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
