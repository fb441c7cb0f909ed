"""The columns of the grants' staff lists, shared by their pages and their CSV/XLSX files."""

from django.utils.translation import gettext_lazy as _

from portal.lists import Column


def _name_fr(related):
    return related.name_fr if related is not None else ""


WORKSPACE = (
    Column(
        "reference",
        _("Reference"),
        cell='<td class="font-monospace small"><a href="{% url \'grants:instruction\' row.pk %}">'
        "{{ row.reference }}</a></td>",
    ),
    Column(
        "association",
        _("Association"),
        value="association.name_fr",
        cell='<td class="small">{{ row.association.name }}<div class="text-muted">'
        "{{ row.title|truncatechars:60 }}</div></td>",
    ),
    Column(
        "domain",
        _("Domain"),
        value=lambda a: a.call_domain.domain.name_fr if a.call_domain_id else "",
        cell='<td class="small">{{ row.call_domain.domain.name }}</td>',
    ),
    Column("region", _("Region"), value=lambda a: _name_fr(a.region)),
    Column(
        "province",
        _("Province"),
        value=lambda a: _name_fr(a.province),
        cell='<td class="small">{{ row.province.name }}</td>',
    ),
    Column("title", _("Project title")),
    Column(
        "requested_amount",
        _("Requested (DH)"),
        cell='<td class="amount">{{ row.requested_amount|money }}</td>',
        header_class="text-end",
    ),
    Column(
        "reviews",
        _("Reviews"),
        cell='<td class="text-end">{{ row.reviews }}</td>',
        export=False,
        header_class="text-end",
    ),
    Column(
        "score",
        _("Score"),
        cell='<td class="text-end">{% if row.score is not None %}{{ row.score|floatformat:2 }}'
        '{% if row.needs_consensus %} <i class="bi bi-exclamation-triangle text-warning" '
        "title=\"{% translate 'Reviewers disagree' %}\"></i>{% endif %}{% else %}—{% endif %}"
        "</td>",
        header_class="text-end",
    ),
    Column(
        "status",
        _("State"),
        value=lambda a: a.get_status_display(),
        cell='<td>{% include "grants/_status.html" with application=row %}</td>',
    ),
)

GRANTS = (
    Column(
        "reference",
        _("Reference"),
        cell='<td class="font-monospace small"><a href="{% url \'grants:grant\' row.pk %}">'
        "{{ row.reference }}</a></td>",
    ),
    Column(
        "association",
        _("Association"),
        value="application.association.name_fr",
        cell='<td class="small">{{ row.application.association.name }}</td>',
    ),
    Column("programme", _("Programme"), value="application.call.programme.code"),
    Column("edition", _("Edition"), value="application.call.edition"),
    Column("region", _("Region"), value=lambda g: _name_fr(g.application.region)),
    Column("title", _("Project title"), value="application.title"),
    Column("awarded_on", _("Awarded on")),
    Column(
        "amount",
        _("Amount (DH)"),
        cell='<td class="amount">{{ row.amount|money }}</td>',
        header_class="text-end",
    ),
    Column(
        "paid_amount",
        _("Paid (DH)"),
        cell='<td class="amount">{{ row.paid_amount|money }}</td>',
        header_class="text-end",
    ),
    Column(
        "remaining_amount",
        _("Remaining (DH)"),
        page_label=_("Remaining"),
        cell='<td class="amount">{{ row.remaining_amount|money }}</td>',
        header_class="text-end",
    ),
    Column(
        "status",
        _("State"),
        value=lambda g: g.get_status_display(),
        cell="<td>{{ row.get_status_display }}</td>",
    ),
)
