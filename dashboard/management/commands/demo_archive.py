from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dashboard import demo


class Command(BaseCommand):
    help = (
        "Write a demo archive in the snapshot program's schema. It never "
        "replaces an existing file."
    )
    # Reading or writing an archive file needs no Spotify or server set-up.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=None,
            help="Where to write it (default: MUSIC_DB_PATH).",
        )
        parser.add_argument(
            "--size",
            choices=sorted(demo.SIZES),
            default="demo",
            help=(
                "small: 24 monthly snapshots; demo: two years of weekly "
                "snapshots; million: 20 years of daily snapshots, about a "
                "million rows."
            ),
        )
        parser.add_argument("--snapshots", type=int, help="Number of snapshots.")
        parser.add_argument("--every", type=int, help="Days between snapshots.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing, successfully, when the file already exists.",
        )
        parser.add_argument(
            "--if-demo",
            action="store_true",
            help=(
                "Write only when MUSIC_DB_PATH is the demo archive's path "
                "(var/demo_archive.db) and it is missing; used by scripts/serve."
            ),
        )

    def handle(self, *args, path, size, snapshots, every, seed, **options):
        if options["if_demo"]:
            if settings.MUSIC_DB_PATH != settings.DEMO_ARCHIVE_PATH:
                return
            path, if_missing = settings.DEMO_ARCHIVE_PATH, True
        else:
            if_missing = options["if_missing"]
        path = path or settings.MUSIC_DB_PATH
        if path.exists():
            if if_missing:
                self.stdout.write(f"Archive already present at {path}.")
                return
            raise CommandError(f"{path} already exists; it was left as it is.")
        for value, name in ((snapshots, "--snapshots"), (every, "--every")):
            if value is not None and value < 1:
                raise CommandError(f"{name} must be at least 1.")
        try:
            tracks, rows = demo.write(path, size, snapshots, every, seed)
        except FileExistsError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror}.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {tracks} tracks and {rows} snapshot rows to {path}."
            )
        )
