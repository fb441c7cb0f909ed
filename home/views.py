from django.db.models import Count, Sum
from django.shortcuts import render
from django.utils import timezone

from calls.models import Call
from home.worklist import staff_tasks
from portal.roles import is_staff_officer
from reports import selectors


def home(request):
    """The open calls, and what the Ministry has funded so far."""
    now = timezone.now()
    open_calls = (
        Call.objects.accepting(now)
        .select_related("programme")
        .annotate(total_envelope=Sum("call_domains__envelope"), domain_count=Count("call_domains"))
        .order_by("closes_at")
    )
    return render(
        request,
        "home.html",
        {
            "open_calls": open_calls,
            "upcoming_count": Call.objects.upcoming(now).count(),
            "money": selectors.grants_money(),
            "now": now,
            "tasks": staff_tasks() if is_staff_officer(request.user) else None,
        },
    )
