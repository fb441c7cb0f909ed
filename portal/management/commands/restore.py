from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, restore, verify


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by `backup`: checks the manifest, replaces the database "
        "of DATABASE_URL and unpacks the media files."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="e.g. var/backups/20260101T020000Z")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="do not ask to confirm"
        )

    def handle(self, *args, folder, interactive=True, **options):
        path = Path(folder)
        try:
            verify(path)
            if interactive:
                name = settings.DATABASES["default"]["NAME"]
                answer = input(
                    f"Everything in the database {name} will be replaced by {path}. "
                    "Type 'yes' to go on: "
                )
                if answer != "yes":
                    raise CommandError("restore cancelled")
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored {path}")
