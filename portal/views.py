from django.http import JsonResponse

from portal import health


def healthz(request):
    """Database, cache, broker and storage, each ``ok`` or ``down``, for the load balancer
    and docker-compose: HTTP 503 without the database, 200 otherwise (``degraded`` when a part
    other than the database is down)."""
    report, code = health.check()
    return JsonResponse(report, status=code)
