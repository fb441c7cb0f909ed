from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeedingConfig(AppConfig):
    """Demonstration data and the Ministry's published history, loaded by ``seed_demo``.

    It may import every other app; nothing but the tests and the benchmarks imports it.
    """

    name = "seeding"
    verbose_name = _("Demonstration and history seeding")
