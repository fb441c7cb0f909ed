"""Staff keep or dismiss a signal from the application's instruction page."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from integrity import services
from integrity.models import Signal
from portal.forms import perform
from portal.permissions import require_perm_or_404 as require
from portal.workflow import IllegalTransition, StaleState


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=2000, widget=forms.Textarea
    )


@login_required
@require_POST
def decide(request, pk, action):
    """``action`` is ``keep`` or ``dismiss`` (a reason required)."""
    require(request, "integrity.decide_signals")
    signal = get_object_or_404(
        Signal.objects.select_related("application").exclude(application__status="draft"),
        pk=pk,
    )
    form = DecisionForm(request.POST)
    if action == "dismiss":
        act = lambda data: services.dismiss(signal, by=request.user, reason=data["reason"])  # noqa: E731
        success = _("Signal dismissed.")
    else:
        act = lambda data: services.keep(signal, by=request.user, reason=data["reason"])  # noqa: E731
        success = _("Signal kept for the committee.")
    perform(
        request,
        act,
        form=form,
        success=success,
        refused=(services.SignalError, IllegalTransition, StaleState),
    )
    return redirect(f"{signal_url(signal)}")


def signal_url(signal) -> str:
    from django.urls import reverse

    return reverse("grants:instruction", args=[signal.application_id]) + f"#signal-{signal.pk}"
