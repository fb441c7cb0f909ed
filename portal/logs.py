"""Logging helpers referenced from ``settings.LOGGING``: the context every line carries (the
request id, the user id, the background job), the JSON and text formats, and the filter that
keeps a disallowed Host to one warning line.

``bind(request_id=..., user_id=...)`` puts fields in a context variable for the rest of the
request (``portal.middleware.RequestLogMiddleware``) or of the job (the Celery signals of
``portal.celery``); ``ContextFilter`` copies them onto every record, so any ``logger.info``
anywhere in the portal says which request or job it belongs to.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

# The fields a line may carry from its context; absent ones are written as null (JSON) or "-".
CONTEXT_FIELDS = ("request_id", "user_id", "task_name", "task_id")
_context: ContextVar[dict[str, Any] | None] = ContextVar("portal_log_context", default=None)

# What a client may send as X-Request-ID: nginx's $request_id (32 hex digits), a UUID, or any
# short token without spaces or control characters; anything else is replaced.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def clean_request_id(value: str | None) -> str:
    """The request id from a header if it looks like one, else a new one (a header is client
    input: it must not inject text into the logs)."""
    if value and _REQUEST_ID.match(value):
        return value
    return new_request_id()


def context() -> dict[str, Any]:
    return dict(_context.get() or {})


def get(field: str) -> Any:
    return (_context.get() or {}).get(field)


def bind(**fields: Any) -> Token:
    """Add ``fields`` to the log context; ``reset(token)`` gives back the previous one."""
    return _context.set({**(_context.get() or {}), **fields})


def reset(token: Token) -> None:
    _context.reset(token)


class ContextFilter(logging.Filter):
    """Copy the log context (request id, user id, job) onto every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = _context.get() or {}
        for field in CONTEXT_FIELDS:
            if not hasattr(record, field):
                setattr(record, field, current.get(field))
        return True


# Attributes every LogRecord has: anything else was passed with ``extra=`` and is a field.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys() | {"message", "asctime"}
)
# Django's request logger passes the request object itself; it is no field.
_NOT_FIELDS = frozenset({"request", "server_time", "where"})


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the context
    fields, any ``extra=`` fields, and the traceback as ``exc_info`` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            line[field] = getattr(record, field, None)
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in _NOT_FIELDS and key not in line:
                line[key] = value
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exc_info"] = record.exc_text
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """A readable line for a laptop: time, level, logger, the request id (or the job) and the
    message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(where)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        task = getattr(record, "task_name", None)
        where = request_id or "-"
        if task:
            where = f"{task} {getattr(record, 'task_id', '')} {request_id or '-'}"
        record.where = where
        return super().format(record)


class WithoutTraceback(logging.Filter):
    """Keep the one-line message of an expected client error and drop its traceback.

    A request with a Host header the portal does not serve is the client's mistake (or a
    scanner's): it is answered 400 and worth a warning line, not a stack trace that would
    look like a crash to whoever reads the logs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
