"""The audit log's page, for administrators: filters, pages of 50, CSV and XLSX files (an
export of the log is itself recorded, as every list export is)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_GET

from audit import selectors
from audit.columns import ENTRIES
from audit.filters import AuditFilter, object_types
from audit.models import AuditEntry
from portal.lists import render_list
from portal.roles import is_administrator


@login_required
@require_GET
def entries(request):
    if not is_administrator(request.user):
        raise Http404
    filterset = AuditFilter(
        request.GET,
        selectors.journal(),
    )
    return render_list(
        request,
        filterset,
        columns=ENTRIES,
        filename="journal-audit",
        template="audit/entries.html",
        context=lambda _rows: {
            "chosen": filterset.chosen,
            "kinds": AuditEntry.Kind.choices,
            "object_types": object_types(),
        },
    )
