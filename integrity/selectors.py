"""Read queries of integrity signals that other apps' lists use through hooks."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from integrity.models import Signal


def open_signals_count():
    """The number of the application's signals not dismissed: one correlated subquery, added
    to the staff lists by ``grants.selectors.APPLICATION_ANNOTATIONS``."""
    counted = (
        Signal.objects.filter(application=OuterRef("pk"), status__in=Signal.Status.open_states)
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
