from django.shortcuts import render
from django.utils import timezone

from calls import selectors as call_selectors
from home.worklist import staff_tasks
from portal.roles import is_staff_officer
from reports import selectors


def home(request):
    """The open calls, and what the Ministry has funded so far."""
    now = timezone.now()
    open_calls = call_selectors.accepting_calls(now)
    return render(
        request,
        "home.html",
        {
            "open_calls": open_calls,
            "upcoming_count": call_selectors.upcoming_call_count(now),
            "money": selectors.grants_money(),
            "now": now,
            "tasks": staff_tasks() if is_staff_officer(request.user) else None,
        },
    )
