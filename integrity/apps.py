from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "integrity"
    verbose_name = _("Integrity signals")

    def ready(self) -> None:
        from grants import selectors
        from integrity import receivers, rules  # noqa: F401  (connects the receivers, perms)
        from integrity.selectors import open_signals_count

        selectors.APPLICATION_ANNOTATIONS["open_signals"] = open_signals_count
