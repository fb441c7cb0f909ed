"""Read-only queries behind the privacy pages, named for what they return."""

from __future__ import annotations

from privacy.models import ErasureRequest


def erasure_requests_of(user):
    """The user's own erasure requests."""
    return ErasureRequest.objects.filter(user=user)


def erasure_requests():
    """Every erasure request with who asked and who processed it: the staff's list."""
    return ErasureRequest.objects.select_related("user", "processed_by")


def erasure_requests_with_user():
    """Erasure requests with who asked (a request's page looks one up by id)."""
    return ErasureRequest.objects.select_related("user")
