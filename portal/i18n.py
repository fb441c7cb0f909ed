"""Names kept in French, Arabic and English, shown in the active language."""

from functools import partial

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def pick(obj, prefix: str = "name", language: str | None = None) -> str:
    """``obj.name_ar`` in Arabic, ``obj.name_en`` in English, ``obj.name_fr`` otherwise; ``obj``
    may also be a row of ``.values()`` (``prefix`` then names the looked-up field)."""
    lang = (language or get_language() or "fr")[:2]
    field = obj.get if isinstance(obj, dict) else partial(getattr, obj)
    value = field(f"{prefix}_{lang}", "") if lang in {"ar", "en"} else ""
    return value or field(f"{prefix}_fr")


class TranslatedName(models.Model):
    name_fr = models.CharField(_("name (French)"), max_length=255)
    name_ar = models.CharField(_("name (Arabic)"), max_length=255, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return pick(self)

    def __str__(self) -> str:
        return self.name


class CodeManager(models.Manager):
    """Reference data is loaded from fixtures by its stable ``code``."""

    def get_by_natural_key(self, code: str):
        return self.get(code=code)
