"""Validators for Moroccan identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def rib_key(first_22_digits: str) -> str:
    """The two-digit check key of a Moroccan RIB: 97 - (digits × 100 mod 97)."""
    return f"{97 - (int(first_22_digits) * 100) % 97:02d}"


def normalize_rib(value: str) -> str:
    return "".join(ch for ch in str(value) if not ch.isspace() and ch != "-")


def validate_rib(value: str) -> None:
    """A RIB is 24 digits: bank (3), town (3), account (16), key (2); the key must match."""
    rib = normalize_rib(value)
    if len(rib) != 24 or not rib.isdigit():
        raise ValidationError(
            _("A RIB has exactly 24 digits (bank, town, account number, key)."), code="rib_length"
        )
    if rib[22:] != rib_key(rib[:22]):
        raise ValidationError(
            _("This RIB's check key is wrong: check the 24 digits against the bank certificate."),
            code="rib_key",
        )
