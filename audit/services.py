"""Writing the audit log: ``record()``, and where a request comes from.

``record(kind=..., actor=..., obj=..., request=..., detail=...)`` is the one way in: every
hook (``audit.receivers``, ``reports.services.report_request``, the audit page's own export)
calls it. It never raises: the audit log must not turn a download or a login into a server
error, so a failure to write is logged as an error instead.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.validators import validate_ipv46_address
from django.db import DatabaseError, transaction

from audit.models import AuditEntry
from portal import logs
from portal.roles import Role, has_role

logger = logging.getLogger(__name__)

Kind = AuditEntry.Kind
USER_AGENT_MAX = 300
IDENTIFIER_MAX = 254

#: The request being answered (``audit.middleware.CurrentRequestMiddleware``), for the hooks
#: that are not given one: the admin's history entries (``LogEntry``) are saved without it.
current_request: ContextVar[Any] = ContextVar("audit_current_request", default=None)

#: Who reads documents on the ministry's side: their downloads of personal data are recorded.
MINISTRY_ROLES = tuple(Role)


def is_ministry_side(user) -> bool:
    """Staff officer, reviewer, committee member, manager, administrator or superuser (an
    association's own member is none of these)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(has_role(user, role) for role in MINISTRY_ROLES)


def client_ip(request) -> str | None:
    """The client's address as allauth computes it for its rate limits: the connection's
    address, or with ``TRUSTED_PROXY_COUNT`` set the matching ``X-Forwarded-For`` entry."""
    from allauth.account.adapter import get_adapter

    try:
        ip = get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None
    try:
        validate_ipv46_address(ip)
    except Exception:
        return None
    return ip


def _request_fields(request) -> dict:
    if request is None:
        return {"request_id": logs.get("request_id") or ""}
    return {
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        "request_id": logs.get("request_id") or "",
    }


def _object_fields(obj, content_type, object_id, object_repr) -> dict:
    if obj is not None:
        content_type = content_type or ContentType.objects.get_for_model(
            obj, for_concrete_model=False
        )
        object_id = object_id if object_id is not None else obj.pk
        object_repr = object_repr if object_repr is not None else str(obj)
    return {
        "content_type": content_type,
        "object_id": "" if object_id is None else str(object_id)[:64],
        "object_repr": (object_repr or "")[:200],
    }


def record(
    *,
    kind: str,
    actor=None,
    obj=None,
    request=None,
    detail: dict | None = None,
    actor_email: str | None = None,
    content_type: ContentType | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
) -> AuditEntry | None:
    """Write one entry: ``kind`` (``AuditEntry.Kind``), who (``actor``, else the request's
    user; ``actor_email`` for a failed login's identifier), what (``obj``, or its
    ``content_type``/``object_id``/``object_repr``; ``detail`` for the rest), from where (the
    request's client address, browser and request id; the current request when none is given).

    The entry is written in a savepoint of its own: if the caller's transaction is rolled back
    afterwards, so is the entry (what did not happen is not recorded).
    """
    request = request if request is not None else current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
    if actor_email is None:
        actor_email = getattr(actor, "email", "") or ""
    try:
        with transaction.atomic():
            return AuditEntry.objects.create(
                kind=kind,
                actor=actor,
                actor_email=actor_email[:IDENTIFIER_MAX],
                detail=detail or {},
                **_object_fields(obj, content_type, object_id, object_repr),
                **_request_fields(request),
            )
    except DatabaseError:
        logger.exception("audit entry not written: %s by %s", kind, actor_email)
        return None
