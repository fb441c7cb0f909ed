from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and bilans")

    def ready(self) -> None:
        from portal.metrics import register
        from reports.metrics import collect

        register(collect)  # bilans produced and submissions per hour, on /metrics
