from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = _("Conventions")

    def ready(self):
        # the grant convention follows its grant (grants.signals)
        from conventions import receivers  # noqa: F401
