from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and the media files into var/backups/<timestamp>/ "
        "with a manifest of their SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("--into", help="parent folder of the backup (default var/backups)")

    def handle(self, *args, into=None, **options):
        try:
            folder = backup(into=Path(into) if into else None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(folder))
