"""The portal's middleware: health and metrics endpoints, request ids and access lines, a strict
Content-Security-Policy (every script and stylesheet is a vendored static file), and the
request size limit."""

import logging
import re
import time

from django.conf import settings

from portal import logs

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class HealthCheckMiddleware:
    """Answer ``/healthz`` and ``/metrics`` before host validation and HTTPS redirects, for
    container probes and for Prometheus, which scrapes by address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            from portal.views import healthz

            return healthz(request)
        if request.path == "/metrics":
            from portal.metrics import metrics_view

            return metrics_view(request)
        return self.get_response(request)


access_logger = logging.getLogger("portal.access")
# URL arguments that are secrets (e-mail confirmation and password reset keys): the access
# line shows "[filtered]" in their place.
SECRET_URL_ARGUMENT = re.compile(r"key|token|uid", re.IGNORECASE)


class RequestLogMiddleware:
    """Give each request an id, log one access line for it and time it for the metrics.

    The id is nginx's (``X-Request-ID``, ``$request_id``), or a new one without a proxy; it is
    in the log context of every line written while the request runs (and of the jobs it
    queues: ``portal.outbox``), and echoed in the response's ``X-Request-ID`` header, so a user
    reporting an error can quote it. The access line has the method, the path (never the query
    string, which may hold tokens), the status, the duration, the user id and the view name.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = logs.clean_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        token = logs.bind(request_id=request_id, user_id=None)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self.log(request, response.status_code, time.perf_counter() - started)
            return response
        finally:
            logs.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Authentication has run: every line from here on carries the user id.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            logs.bind(user_id=user.pk)

    def log(self, request, status: int, seconds: float) -> None:
        from portal.metrics import observe_request

        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else ""
        path = request.path
        for name, value in (match.kwargs if match else {}).items():
            if SECRET_URL_ARGUMENT.search(name) and str(value):
                path = path.replace(str(value), "[filtered]")
        duration_ms = round(seconds * 1000, 1)
        observe_request(view, request.method, status, seconds)
        access_logger.log(
            # a warning, not an error: Django logs the error itself (and Sentry gets it once)
            logging.WARNING if status >= 500 else logging.INFO,
            "%s %s %s %sms",
            request.method,
            path,
            status,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
                "view": view or None,
                # the user now, or the one who was logged in when the view started (a logout)
                "user_id": self.user_id(request) or logs.get("user_id"),
            },
        )

    @staticmethod
    def user_id(request):
        user = getattr(request, "user", None)  # absent when refused before authentication
        try:
            return user.pk if user is not None and user.is_authenticated else None
        except Exception:  # the session could not be read
            return None


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin ships inline scripts; it keeps Django's own headers only.
        if not request.path.startswith(f"/{settings.ADMIN_PATH}"):
            response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class RequestTooLarge(Exception):
    pass


class RequestSizeLimitMiddleware:
    """Refuse a request body over ``REQUEST_MAX_BYTES`` with a 413 before reading it.

    A declared ``Content-Length`` over the limit is refused at once. A chunked body (no
    ``Content-Length``) is read here, at most up to the limit, into a spooled file: past the
    limit the reading stops and the answer is 413; under it, the rest of Django reads the
    buffered body as if its length had been declared.
    """

    CHUNK = 64 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.REQUEST_MAX_BYTES
        declared = request.META.get("CONTENT_LENGTH")
        if declared not in (None, ""):
            try:
                length = int(declared)
            except ValueError:
                length = 0  # Django reads nothing from a body whose length it cannot parse
            if length > limit:
                return self.too_large(request, limit)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            try:
                spool = self.buffer_chunked_body(request, limit)
            except RequestTooLarge:
                return self.too_large(request, limit)
            response = self.get_response(request)
            response._resource_closers.append(spool.close)
            return response
        return self.get_response(request)

    def buffer_chunked_body(self, request, limit):
        import tempfile

        from django.core.handlers.wsgi import LimitedStream

        stream = request.META["wsgi.input"]
        spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed with the response
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        )
        size = 0
        while True:
            chunk = stream.read(min(self.CHUNK, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                spool.close()
                raise RequestTooLarge
            spool.write(chunk)
        spool.seek(0)
        request.META["CONTENT_LENGTH"] = str(size)
        request._stream = LimitedStream(spool, size)
        return spool

    def too_large(self, request, limit):
        from django.shortcuts import render
        from django.utils import translation

        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = render(
                request,
                "413.html",
                {"limit": limit},
                status=413,
            )
        response["Connection"] = "close"  # the unread body must not be taken for a request
        return response
