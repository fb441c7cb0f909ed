"""Read-only queries behind the audit journal, named for what they return."""

from __future__ import annotations

from audit.models import AuditEntry


def journal():
    """Every audit entry with its object's type, newest first."""
    return AuditEntry.objects.select_related("content_type").order_by("-created_at", "-id")
