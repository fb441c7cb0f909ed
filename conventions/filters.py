"""The filters of the conventions register."""

import django_filters
from django.db.models import Q

from conventions.models import Convention
from portal.lists import IdFilter, ListFilterSet, TextFilter, YearFilter


class ConventionFilter(ListFilterSet):
    """By kind, partner type, year, state, region (of the convention or of a partner commune)
    and reference, title, objective or party."""

    kind = django_filters.ChoiceFilter(choices=Convention.Kind.choices)
    partner_type = IdFilter(field_name="partner_type_id")
    year = YearFilter()
    status = django_filters.ChoiceFilter(choices=Convention.Status.choices)
    region = IdFilter(method="in_region")
    q = TextFilter(method="search")

    def in_region(self, queryset, _name, value):
        return queryset.filter(Q(regions=value) | Q(partner_communes__region=value)).distinct()

    def search(self, queryset, _name, value):
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title_fr__icontains=value)
            | Q(objective__icontains=value)
            | Q(parties__partner__name_fr__icontains=value)
        ).distinct()
