"""``python manage.py generate_bilan --programme CODE --edition EDITION --lang fr|ar
--format pdf|xlsx --output PATH`` (or ``--year-from/--year-to`` for a range)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from calls.models import Call, Programme
from portal.money import format_amount
from reports.bilan import build_bilan
from reports.pdf import bilan_pdf
from reports.xlsx import bilan_xlsx


class Command(BaseCommand):
    help = _("Produce a bilan (PDF or XLSX) for a programme and an edition or a range of years.")

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True)
        parser.add_argument("--edition")
        parser.add_argument("--year-from", type=int)
        parser.add_argument("--year-to", type=int)
        parser.add_argument("--lang", default="fr", choices=[c for c, _ in settings.LANGUAGES])
        parser.add_argument("--format", default="pdf", choices=["pdf", "xlsx"])
        parser.add_argument("--output", required=True)

    def handle(self, *args, **options):
        if not options["edition"] and not (options["year_from"] and options["year_to"]):
            raise CommandError(_("Give --edition, or --year-from and --year-to."))
        try:
            bilan = build_bilan(
                programme=options["programme"],
                edition=options["edition"],
                year_from=options["year_from"],
                year_to=options["year_to"],
                language=options["lang"],
            )
        except Programme.DoesNotExist:
            raise CommandError(
                _("Unknown programme “%(code)s”.") % {"code": options["programme"]}
            ) from None
        except Call.DoesNotExist:
            raise CommandError(
                _("The programme “%(code)s” has no edition “%(edition)s”.")
                % {"code": options["programme"], "edition": options["edition"]}
            ) from None
        content = (bilan_pdf if options["format"] == "pdf" else bilan_xlsx)(bilan)
        output = Path(options["output"])
        output.write_bytes(content)
        self.stdout.write(
            _("%(path)s written: %(projects)d projects, %(amount)s DH.")
            % {
                "path": output,
                "projects": bilan.total_projects,
                "amount": format_amount(bilan.total_amount, separator=" "),
            }
        )
