"""Keeps the request being answered where ``audit.services.record`` finds it, for the entries
written by code that is not handed the request (the admin's history entries)."""

from audit.services import current_request


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
