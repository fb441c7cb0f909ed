"""``python manage.py seed_demo``: reference data, the Ministry's history, demo accounts."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from seeding.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
from seeding.history import load_history


class Command(BaseCommand):
    help = _(
        "Load the reference data and the Ministry's published history, and create the "
        "demonstration accounts and open call. Idempotent: running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help=_("Only the reference data and the published history, no demonstration data."),
        )

    def handle(self, *args, **options):
        call_command("loaddata", "territories", "reference", "activity_areas", verbosity=0)
        history = load_history()
        self.stdout.write(
            _(
                "History: %(calls)d past editions, %(institutional)d new institutional "
                "conventions, %(bilateral)d new bilateral agreements."
            )
            % history
        )
        if options["no_demo"]:
            return
        demo = load_demo()
        call = demo["call"]
        self.stdout.write(
            _("Open call: %(call)s (closes %(closes)s), %(count)d new demonstration applications.")
            % {"call": call, "closes": call.closes_at, "count": demo["applications"]}
        )
        self.stdout.write("")
        self.stdout.write(
            _("Demonstration accounts (password for all: %(password)s)")
            % {"password": DEMO_PASSWORD}
        )
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.email:<22} {account.label}")
