"""The columns of the conventions register, shared by its page and its CSV/XLSX files."""

from django.utils.translation import gettext_lazy as _

from portal.lists import Column

CONVENTIONS = (
    Column(
        "reference",
        _("Reference"),
        cell='<td class="font-monospace small"><a href="{% url \'conventions:detail\' row.pk %}">'
        "{{ row.reference }}</a></td>",
    ),
    Column(
        "title",
        _("Title"),
        value="title_fr",
        cell='<td class="small">{{ row.title|truncatechars:90 }}</td>',
    ),
    Column(
        "kind",
        _("Kind"),
        value=lambda c: c.get_kind_display(),
        cell='<td class="small">{{ row.get_kind_display }}</td>',
    ),
    Column(
        "partner_type",
        _("Partner type"),
        value=lambda c: c.partner_type.name_fr if c.partner_type_id else "",
        cell='<td class="small">{{ row.partner_type.name }}</td>',
    ),
    Column(
        "parties",
        _("Parties"),
        value=lambda c: ", ".join(party.partner.name_fr for party in c.parties.all()),
    ),
    Column(
        "year",
        _("Year"),
        cell='<td>{{ row.year|unlocalize|default:"—" }}</td>',
    ),
    Column("signed_on", _("Signed on")),
    Column("ends_on", _("Ends on")),
    Column(
        "amount",
        _("Amount"),
        cell='<td class="amount">{% if row.amount %}{{ row.amount|money }} {{ row.currency }}'
        "{% endif %}</td>",
        header_class="text-end",
    ),
    Column("currency", _("Currency")),
    Column(
        "status",
        _("State"),
        value=lambda c: c.get_status_display(),
        cell='<td class="small">{{ row.get_status_display }}</td>',
    ),
)
