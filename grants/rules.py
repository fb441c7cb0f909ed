"""Loaded by rules' autodiscovery: registers every permission of the grants app."""

from grants.permissions import apply, evaluation, followup  # noqa: F401
