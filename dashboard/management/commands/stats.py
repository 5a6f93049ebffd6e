import json
import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dashboard import archive, figures


class Command(BaseCommand):
    help = "Print the archive's figures, the same ones the dashboard shows."
    # Reading or writing an archive file needs no Spotify or server set-up.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object."
        )
        parser.add_argument(
            "--db", type=Path, help="Read this archive instead of MUSIC_DB_PATH."
        )

    def handle(self, *args, json: bool, db: Path | None, verbosity: int, **options):
        if verbosity < 2:
            # The reason is printed as one line; -v 2 adds the logged detail.
            logging.getLogger("dashboard").setLevel(logging.ERROR)
        if db is not None:
            archive.point_at(db)
        try:
            home = figures.home()
        except archive.ArchiveError as problem:
            message = problem.message
            if db is not None:
                # The sentence names the setting; here the file came from --db.
                message = message.replace("MUSIC_DB_PATH", "--db")
            if verbosity >= 2:
                message += f" ({problem.kind}: {archive.path()})"
            raise CommandError(message) from None

        if json:
            self.stdout.write(_json(home.as_json()))
            return
        self.stdout.write(render_table(home))


def _json(data):
    return json.dumps(data, ensure_ascii=False)


def render_table(home):
    if home.turnover_pct is None:
        turnover = "n/a (needs two snapshots)"
    else:
        turnover = f"{home.turnover_pct}% of the latest snapshot is new"
    if home.consistent:
        consistent = (
            f"{home.consistent.artist} (in {home.consistent.snapshots} of "
            f"{home.snapshots_taken} snapshots)"
        )
    else:
        consistent = "n/a (no snapshots yet)"
    cards = [
        ("Tracks tracked", str(home.tracks_tracked)),
        ("Snapshots taken", str(home.snapshots_taken)),
        ("Latest snapshot", home.latest_snapshot or "none"),
        ("Track turnover", turnover),
        ("Most consistent artist", consistent),
    ]
    width = max(len(label) for label, _ in cards)
    lines = [f"{label:<{width}}  {value}" for label, value in cards]
    lines += ["", "Discoveries per month"]
    if not home.discoveries:
        lines.append("  none yet")
    for label, count in home.discoveries:
        lines.append(f"  {label:<8}  {count:>5}")
    return "\n".join(lines)
