"""Shared set-up for the benchmark scripts: Django, and the large archive."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MILLION = ROOT / "var" / "bench" / "million.db"


def setup_django():
    sys.path.insert(0, str(ROOT))
    # Benchmarks run locally; DEBUG keeps the settings from demanding a key.
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mtm_site.settings")
    import django

    django.setup()


def million_archive(path=MILLION):
    """Return the path of a ~1.1 million row archive, writing it if missing."""
    from dashboard import demo

    if not path.exists():
        started = time.perf_counter()
        tracks, rows = demo.write(path, "million")
        print(
            f"wrote {path} ({tracks} tracks, {rows} snapshot rows) in "
            f"{time.perf_counter() - started:.1f} s"
        )
    return path


def timed(function, repeat=5):
    """Return (median seconds, result) over `repeat` runs."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def ms(seconds):
    return f"{seconds * 1000:8.1f} ms"
