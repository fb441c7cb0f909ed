"""Spreadsheet import/export of calls, with foreign keys by their codes."""

from import_export import fields

from calls.models import Call, Programme
from portal.resources import ModelResource
from portal.spreadsheets import CodeWidget


class CallResource(ModelResource):
    programme = fields.Field(
        attribute="programme",
        column_name="programme",
        widget=CodeWidget(Programme, field="code"),
    )

    class Meta:
        model = Call
        import_id_fields = ("programme", "edition")
        fields = (
            "programme",
            "edition",
            "year",
            "end_year",
            "code",
            "title_fr",
            "title_ar",
            "title_en",
            "opens_at",
            "closes_at",
            "pass_threshold",
            "reviewers_per_application",
            "disagreement_gap",
            "max_applications_per_domain",
            "currency",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
