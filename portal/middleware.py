"""A strict Content-Security-Policy: every script and stylesheet is a vendored static file."""

from django.conf import settings

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
    """Answer ``/healthz`` before host validation and HTTPS redirects, for container probes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            from portal.views import healthz

            return healthz(request)
        return self.get_response(request)


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
