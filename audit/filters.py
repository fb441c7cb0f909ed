"""The audit page's filters: person, object (type and id), kind, period."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from audit.models import AuditEntry
from portal.lists import IdFilter, ListFilterSet, TextFilter


def object_types() -> list[tuple[str, str]]:
    """``app_label.model`` and the model's name, for the types the log holds."""
    ids = AuditEntry.objects.exclude(content_type=None).values("content_type").distinct()
    types = ContentType.objects.filter(pk__in=ids)
    choices = [
        (f"{ct.app_label}.{ct.model}", str(ct.model_class()._meta.verbose_name).capitalize())
        for ct in types
        if ct.model_class() is not None
    ]
    return sorted(choices, key=lambda choice: choice[1])


class AuditFilter(ListFilterSet):
    """``person``: part of the e-mail address (or identifier typed at a failed login);
    ``actor``: the account's id; ``object_type`` (``app_label.model``) and ``object_id``;
    ``kind``; ``date_from`` and ``date_to`` (days included, Morocco time)."""

    person = TextFilter(method="by_person")
    actor = IdFilter(field_name="actor_id")
    kind = django_filters.ChoiceFilter(choices=AuditEntry.Kind.choices)
    object_type = TextFilter(method="by_object_type", max_length=100)
    object_id = TextFilter(field_name="object_id", max_length=64)
    date_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    def by_person(self, queryset, _name, value):
        return queryset.filter(Q(actor_email__icontains=value))

    def by_object_type(self, queryset, _name, value):
        app_label, _dot, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)
