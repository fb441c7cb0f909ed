"""``python manage.py reconcile``: the portal's figures against the Ministry's published tables.

Prints, per table, ``OK`` or each difference (cell, published value, portal value), then the
published tables that do not add up by themselves. Exit status 1 when a figure of the portal
differs from a published table.
"""

from itertools import groupby

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.published import check_internal_consistency
from reports.reconciliation import reconcile


class Command(BaseCommand):
    help = _("Compare the portal's figures with every table the Ministry published.")

    def handle(self, *args, **options):
        checks = reconcile()
        failed = 0
        for check in checks:
            if check.ok:
                self.stdout.write(f"OK      {check.table_id} — {check.title} ({check.source})")
                continue
            failed += 1
            self.stdout.write(f"ÉCART   {check.table_id} — {check.title} ({check.source})")
            for difference in check.differences:
                self.stdout.write(
                    "        "
                    + _("%(cell)s: published %(expected)s, portal %(found)s")
                    % {
                        "cell": difference.cell,
                        "expected": difference.expected,
                        "found": difference.found,
                    }
                )
        findings = check_internal_consistency()
        self.stdout.write("")
        self.stdout.write(_("Published tables that do not add up by themselves:"))
        for table_id, group in groupby(findings, key=lambda f: f.table_id):
            rows = list(group)
            self.stdout.write(f"INCOHÉRENT {table_id} ({rows[0].source})")
            for finding in rows:
                self.stdout.write(
                    "        "
                    + _(
                        "%(cell)s: stated %(expected)s, its parts add up to %(found)s — %(message)s"
                    )
                    % {
                        "cell": finding.cell,
                        "expected": finding.expected,
                        "found": finding.found,
                        "message": finding.message,
                    }
                )
        self.stdout.write("")
        if failed:
            raise CommandError(
                _("%(failed)d of %(total)d published tables differ from the portal's figures.")
                % {"failed": failed, "total": len(checks)},
                returncode=1,
            )
        self.stdout.write(
            _("All %(total)d published tables match the portal's figures.") % {"total": len(checks)}
        )
