from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import checks  # noqa: F401  (registers the portal's system checks)
        from portal.roles import ensure_groups

        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="portal.ensure_groups")
