"""Money: a Decimal with a currency, and the French way of writing it (``9 398 167,54``)."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
# A plain space groups thousands in the published bilans ("4 022 000"); the no-break space
# keeps a figure on one line in HTML and PDF while text extraction still reads a space.
GROUP_SEPARATOR = "\u00a0"


class Currency(models.TextChoices):
    MAD = "MAD", _("Moroccan dirham (MAD)")
    EUR = "EUR", _("Euro (EUR)")
    USD = "USD", _("US dollar (USD)")


def amount_field(verbose_name, **kwargs) -> models.DecimalField:
    """A non-negative amount with two decimals (up to 999 billion)."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
    return models.DecimalField(verbose_name, **kwargs)


def currency_field(**kwargs) -> models.CharField:
    kwargs.setdefault("default", Currency.MAD)
    return models.CharField(_("currency"), max_length=3, choices=Currency.choices, **kwargs)


def quantize(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_amount(value: Decimal | int | str | None, *, separator: str = GROUP_SEPARATOR) -> str:
    """Write an amount as the ministry publishes it.

    Whole amounts have no decimals (``4 022 000``); others two, after a comma
    (``9 398 167,54``). Digits are grouped by three with ``separator``.
    """
    if value is None:
        return ""
    amount = quantize(value)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    text = separator.join(groups)
    if cents != "00":
        text = f"{text},{cents}"
    return sign + text
