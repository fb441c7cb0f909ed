"""The filters of the grants' staff lists: the evaluation workspace and the funded projects."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from associations.forms import NamedChoiceField
from associations.models import Province, Region
from grants.models import Application, Grant
from portal.lists import IdFilter, ListFilterSet, TextFilter, YearFilter

# The workspace's orders: the value in the URL → (the order, its label).
SORTS = {
    "reference": ("reference", _("Reference")),
    "-score": ("-score", _("Score (highest first)")),
    "-requested_amount": ("-requested_amount", _("Amount requested (highest first)")),
    "submitted_at": ("submitted_at", _("Submitted (oldest first)")),
    "association": ("association__name_fr", _("Association")),
}


class NamedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = NamedChoiceField


class WorkspaceFilter(ListFilterSet):
    """A call's applications; the form is shown whole on the workspace, field by field."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    domain = django_filters.ModelChoiceFilter(
        label=_("Domain"), field_name="call_domain", queryset=None
    )
    region = NamedChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    province = NamedChoiceFilter(label=_("Province"), queryset=Province.objects.all())
    status = django_filters.ChoiceFilter(
        label=_("State"), choices=Application.Status.choices, empty_label=_("All")
    )
    score_min = django_filters.NumberFilter(
        label=_("Score from"), field_name="score", lookup_expr="gte", min_value=0, max_value=100
    )
    score_max = django_filters.NumberFilter(
        label=_("Score to"), field_name="score", lookup_expr="lte", min_value=0, max_value=100
    )
    reviewer = django_filters.ModelChoiceFilter(
        label=_("Reviewer"), field_name="assignments__reviewer", queryset=None
    )
    signals = django_filters.ChoiceFilter(
        label=_("Signals"),
        choices=[("open", _("With open signals"))],
        empty_label=_("All"),
        method="with_open_signals",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[(key, label) for key, (_order, label) in SORTS.items()],
        empty_label=None,
        method="sort_by",
    )

    def __init__(self, data=None, queryset=None, *, call, reviewers, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["domain"].queryset = call.call_domains.select_related("domain")
        self.filters["reviewer"].queryset = reviewers

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            form.fields["domain"].label_from_instance = lambda line: line.domain.name
            form.fields["reviewer"].label_from_instance = lambda u: u.get_full_name() or u.email
            form.fields["export"].widget = forms.HiddenInput()  # the page links the files
            for field in form.fields.values():
                field.widget.attrs["class"] = (
                    "form-select form-select-sm"
                    if isinstance(field.widget, forms.Select)
                    else "form-control form-control-sm"
                )
        return self._form

    def search(self, queryset, _name, value):
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(association__name_fr__icontains=value)
            | Q(association__name_ar__icontains=value)
        )

    def with_open_signals(self, queryset, _name, value):
        """Applications with integrity signals not dismissed (``open_signals``, annotated by
        ``selectors.workspace_applications`` when an app provides it)."""
        if value and "open_signals" in queryset.query.annotations:
            return queryset.filter(open_signals__gt=0)
        return queryset

    def sort_by(self, queryset, _name, value):
        return queryset.order_by(SORTS[value][0], "pk")


class GrantFilter(ListFilterSet):
    """The funded projects: by state, programme, region, year of award and reference or
    association."""

    status = django_filters.ChoiceFilter(choices=Grant.Status.choices)
    programme = TextFilter(field_name="application__call__programme__code", max_length=50)
    region = IdFilter(field_name="application__region_id")
    year = YearFilter(field_name="awarded_on", lookup_expr="year")
    q = TextFilter(method="search")

    def search(self, queryset, _name, value):
        return queryset.filter(
            Q(reference__icontains=value) | Q(application__association__name_fr__icontains=value)
        )
