from django.core.management.base import BaseCommand

from privacy.services import apply_retention


class Command(BaseCommand):
    help = "Anonymise or delete what the retention rules no longer keep (--dry-run: only list it)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be done, change nothing"
        )

    def handle(self, *args, dry_run: bool = False, **options):
        plan = apply_retention(dry_run=dry_run)
        for item in plan:
            self.stdout.write(item.describe())
        verb = "would be handled" if dry_run else "handled"
        self.stdout.write(f"{len(plan)} item(s) {verb}.")
