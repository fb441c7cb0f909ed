"""The columns of the audit page and of its CSV/XLSX files."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.lists import Column


def _object_type(entry) -> str:
    model = entry.content_type.model_class() if entry.content_type_id else None
    return str(model._meta.verbose_name) if model is not None else ""


ENTRIES = (
    Column(
        "created_at",
        _("When"),
        value=lambda e: timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        cell='<td class="small text-nowrap">{{ row.created_at|date:"Y-m-d H:i:s" }}</td>',
    ),
    Column(
        "kind",
        _("Kind"),
        value=lambda e: e.get_kind_display(),
        cell='<td class="small" data-kind="{{ row.kind }}">{{ row.get_kind_display }}</td>',
    ),
    Column(
        "actor_email",
        _("Who"),
        cell='<td class="small">{{ row.actor_email|default:"—" }}</td>',
    ),
    Column("actor_id", _("Account"), value=lambda e: e.actor_id or ""),
    Column("object_type", _("Object type"), value=_object_type),
    Column("object_id", _("Object id")),
    Column(
        "object_repr",
        _("Object"),
        cell='<td class="small">{% if row.object_repr %}{{ row.object_repr|truncatechars:80 }}'
        '{% if row.object_id %} <span class="text-muted">#{{ row.object_id }}</span>{% endif %}'
        "{% else %}—{% endif %}</td>",
    ),
    Column(
        "detail",
        _("Detail"),
        value="detail_text",
        cell='<td class="small font-monospace text-break">'
        "{{ row.detail_text|truncatechars:160 }}</td>",
    ),
    Column(
        "ip_address",
        _("IP address"),
        value=lambda e: e.ip_address or "",
        cell='<td class="small font-monospace">{{ row.ip_address|default:"—" }}</td>',
    ),
    Column("user_agent", _("Browser")),
    Column("request_id", _("Request id")),
)
