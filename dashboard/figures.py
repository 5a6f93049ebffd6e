"""Every figure of the product, computed in one place.

Pages, the admin and the `stats` command all call these functions, so a
number reads the same everywhere. Unless a name says otherwise a figure looks
at `short_term` rows only. Each public function runs a fixed handful of
queries whatever the archive's size, and `home` and `analytics` are cached
under the archive's change marker, so an unchanged archive is never queried
twice for the same page.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connections
from django.db.models import Count, Max, Min

from . import archive
from .models import Snapshot, TimeRange, Track

SHORT = TimeRange.SHORT.value

RANGES = {"6m": 6, "12m": 12, "24m": 24, "all": None}
RANGE_LABELS = {
    "6m": "6 months",
    "12m": "12 months",
    "24m": "24 months",
    "all": "All time",
}
DEFAULT_RANGE = "12m"

CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class ArtistCount:
    artist: str
    snapshots: int


@dataclass(frozen=True)
class HomeFigures:
    tracks_tracked: int
    snapshots_taken: int
    latest_snapshot: str | None
    turnover_pct: int | None
    consistent: ArtistCount | None
    discoveries: list[tuple[str, int]] = field(default_factory=list)

    def as_json(self):
        return {
            "tracks_tracked": self.tracks_tracked,
            "snapshots_taken": self.snapshots_taken,
            "turnover_pct": self.turnover_pct,
            "consistent_artist": self.consistent and self.consistent.artist,
            "consistent_appearances": (
                self.consistent.snapshots if self.consistent else 0
            ),
            "discoveries": [[label, count] for label, count in self.discoveries],
        }


@dataclass(frozen=True)
class AnalyticsFigures:
    range_code: str
    since: str | None
    snapshots_in_range: int
    growth: list[tuple[str, int, int]]
    diversity: list[tuple[str, int]]
    top_artists: list[ArtistCount]
    # Artists with as many snapshots as the last one listed, left out.
    tied_beyond: int = 0


def _cursor():
    return connections[archive.ALIAS].cursor()


def month_label(year_month):
    """Return 'Mar 2026' for '2026-03'; keep anything unparseable as it is."""
    try:
        year, month = (int(part) for part in year_month.split("-"))
        return f"{calendar.month_abbr[month]} {year}"
    except (ValueError, IndexError, AttributeError):
        return str(year_month)


def whole_percent(part, whole):
    """Round half up, so 12.5 % reads 13 % as a person would expect."""
    return (200 * part + whole) // (2 * whole)


def tracks_tracked():
    return Track.objects.count()


def snapshot_dates():
    """Return the distinct short-term snapshot dates, oldest first."""
    return list(
        Snapshot.objects.filter(time_range=SHORT)
        .values_list("snapshot_date", flat=True)
        .distinct()
        .order_by("snapshot_date")
    )


def turnover(dates):
    """Return the whole percent of the latest snapshot's tracks that were not
    in the one before, or None with fewer than two snapshots."""
    if len(dates) < 2:
        return None
    # Both rows of a track are seeks into the primary key index, which has
    # no date first: scanning the table for the latest date would read it all.
    with _cursor() as cursor:
        cursor.execute(
            """
            SELECT COUNT(*), COUNT(*) - COUNT(earlier.track_id)
            FROM tracks AS track
            CROSS JOIN snapshots AS latest
              ON latest.track_id = track.track_id
             AND latest.snapshot_date = %s
             AND latest.time_range = %s
            LEFT JOIN snapshots AS earlier
              ON earlier.track_id = track.track_id
             AND earlier.snapshot_date = %s
             AND earlier.time_range = %s
            """,
            [dates[-1], SHORT, dates[-2], SHORT],
        )
        size, new = cursor.fetchone()
    if not size:
        return None
    return whole_percent(new, size)


def consistent_artists(limit=10, since=None):
    """Return the artists on the most distinct snapshot dates, ties broken by
    name in ascending binary order.

    CROSS JOIN keeps `tracks` as the outer loop, so each track's rows are read
    from the primary key index alone instead of one track lookup per row.
    """
    with _cursor() as cursor:
        cursor.execute(
            """
            SELECT track.artist_name, COUNT(DISTINCT row.snapshot_date) AS dates
            FROM tracks AS track
            CROSS JOIN snapshots AS row ON row.track_id = track.track_id
            WHERE row.time_range = %s AND row.snapshot_date >= %s
            GROUP BY track.artist_name
            ORDER BY dates DESC, track.artist_name
            LIMIT %s
            """,
            [SHORT, since or "", limit],
        )
        return [ArtistCount(artist, dates) for artist, dates in cursor.fetchall()]


def discoveries_per_month(since=None):
    """Return [(label, count)] oldest first: short-term rows whose track has
    no row, in any time range, on an earlier date, by month of the row."""
    return [(month_label(month), count) for month, count in _discoveries(since)]


def _discoveries(since=None):
    """Return [('YYYY-MM', count)] of discoveries on or after `since`.

    A track's short-term row is a discovery exactly when its date is the
    track's first date anywhere. The primary key index starts with track_id
    and snapshot_date, so each track's first date is one seek into it rather
    than a pass over all its rows.
    """
    with _cursor() as cursor:
        cursor.execute(
            """
            WITH first_seen AS MATERIALIZED (
                SELECT track.track_id, (
                    SELECT MIN(seen.snapshot_date) FROM snapshots AS seen
                    WHERE seen.track_id = track.track_id
                ) AS first_date
                FROM tracks AS track
            )
            SELECT substr(first_seen.first_date, 1, 7) AS month, COUNT(*)
            FROM first_seen
            CROSS JOIN snapshots AS row
              ON row.track_id = first_seen.track_id
             AND row.snapshot_date = first_seen.first_date
             AND row.time_range = %s
            WHERE first_seen.first_date >= %s
            GROUP BY month
            ORDER BY month
            """,
            [SHORT, since or ""],
        )
        return _fill_months(cursor.fetchall())


def _fill_months(rows):
    """Insert the months without discoveries as zeros, so a chart's gaps show."""
    filled = []
    for month, count in rows:
        previous = _month_index(filled[-1][0]) if filled else None
        current = _month_index(month)
        if previous is not None and current is not None:
            for index in range(previous + 1, current):
                year, number = divmod(index, 12)
                filled.append((f"{year:04d}-{number + 1:02d}", 0))
        filled.append((month, count))
    return filled


def _month_index(month):
    """Return months since year 0 for 'YYYY-MM', or None if it is not one."""
    try:
        year, number = (int(part) for part in month.split("-"))
    except (ValueError, AttributeError):
        return None
    return year * 12 + number - 1 if 1 <= number <= 12 else None


def parse_range(code):
    """Return a known range code; anything else means the default, 12m."""
    return code if code in RANGES else DEFAULT_RANGE


def range_start(code, latest):
    """Return the first date ('YYYY-MM-DD') inside the range ending at the
    latest snapshot, or None for all time.

    The range is anchored on the latest snapshot rather than today, so an
    archive that stopped growing still shows its last months.
    """
    months = RANGES[parse_range(code)]
    if months is None or not latest:
        return None
    try:
        end = datetime.date.fromisoformat(latest)
        year, month = divmod(end.year * 12 + end.month - 1 - months, 12)
        day = min(end.day, calendar.monthrange(year, month + 1)[1])
        start = datetime.date(year, month + 1, day) + datetime.timedelta(days=1)
    except (ValueError, OverflowError):
        # Not a date, or one so early that the range reaches before year 1.
        return None
    return start.isoformat()


def cached(name, compute, *args):
    """Return compute(*args), cached under the archive's change marker.

    Check the archive first (one `stat` while it is unchanged), and turn any
    database failure inside `compute` into an ArchiveError."""
    marker = archive.ensure_sound()
    key = f"figures:{name}:{hash((marker, args))}"
    value = cache.get(key)
    if value is None:
        with archive.reading():
            value = compute(*args)
        cache.set(key, value, CACHE_SECONDS)
    return value


def _date_span():
    span = Snapshot.objects.filter(time_range=SHORT).aggregate(
        first=Min("snapshot_date"), last=Max("snapshot_date")
    )
    return span["first"], span["last"]


def date_span():
    """Return the first and last short-term snapshot dates (None if none)."""
    return cached("date_span", _date_span)


def track_stats(track_ids):
    """Return {track_id: (snapshot dates it appears on, best rank)} for the
    given tracks; tracks in no snapshot are left out.

    A long-lived favourite can have tens of thousands of rows and its best
    rank needs each of them, so every track's result is cached on its own
    under the archive's change marker.
    """
    marker = archive.ensure_sound()
    keys = {
        f"figures:track_stats:{hash(marker)}:{track_id}": track_id
        for track_id in track_ids
    }
    found = cache.get_many(list(keys))
    stats = {keys[key]: value for key, value in found.items()}
    missing = [track_id for key, track_id in keys.items() if key not in found]
    if missing:
        with archive.reading():
            rows = (
                Snapshot.objects.filter(track_id__in=missing)
                .values("track_id")
                .annotate(dates=Count("snapshot_date", distinct=True), best=Min("rank"))
            )
            fresh = {row["track_id"]: (row["dates"], row["best"]) for row in rows}
        # Tracks without snapshots are cached too, as (0, None).
        cache.set_many(
            {
                key: fresh.get(track_id, (0, None))
                for key, track_id in keys.items()
                if track_id in missing
            },
            CACHE_SECONDS,
        )
        stats.update(fresh)
    return {track_id: value for track_id, value in stats.items() if value[0]}


def _home():
    dates = snapshot_dates()
    top = consistent_artists(limit=1)
    return HomeFigures(
        tracks_tracked=tracks_tracked(),
        snapshots_taken=len(dates),
        latest_snapshot=dates[-1] if dates else None,
        turnover_pct=turnover(dates),
        consistent=top[0] if top else None,
        discoveries=discoveries_per_month(),
    )


def home():
    """Return the home page's figures: cards and the discoveries chart."""
    return cached("home", _home)


def _latest_date():
    with _cursor() as cursor:
        cursor.execute(
            "SELECT MAX(snapshot_date) FROM snapshots WHERE time_range = %s", [SHORT]
        )
        return cursor.fetchone()[0]


def _artists_by_date(since=None, limit=10):
    """Return (diversity, top artists, artists tied with the last of them
    but left out) from one pass over the distinct (date, artist) pairs:
    diversity counts pairs per date, consistency counts them per artist,
    ordered as in `consistent_artists` (which home uses, as it needs no
    diversity). Python's string order is SQLite's binary order."""
    with _cursor() as cursor:
        cursor.execute(
            """
            WITH pairs AS MATERIALIZED (
                SELECT DISTINCT row.snapshot_date AS day, track.artist_name AS artist
                FROM tracks AS track
                CROSS JOIN snapshots AS row ON row.track_id = track.track_id
                WHERE row.time_range = %s AND row.snapshot_date >= %s
            )
            SELECT 'day', day, COUNT(*) FROM pairs GROUP BY day
            UNION ALL
            SELECT 'artist', artist, COUNT(*) FROM pairs GROUP BY artist
            """,
            [SHORT, since or ""],
        )
        rows = cursor.fetchall()
    diversity = sorted((day, count) for kind, day, count in rows if kind == "day")
    ranked = sorted(
        (ArtistCount(artist, count) for kind, artist, count in rows if kind != "day"),
        key=lambda artist: (-artist.snapshots, artist.artist),
    )
    top, rest = ranked[:limit], ranked[limit:]
    tied = sum(1 for artist in rest if top and artist.snapshots == top[-1].snapshots)
    return diversity, top, tied


def _analytics(code):
    # All time needs no anchor date, which saves a scan of the archive.
    since = None if code == "all" else range_start(code, _latest_date())
    diversity, top_artists, tied = _artists_by_date(since)
    # Catalogue growth: discoveries a month and the running catalogue size,
    # shown from the month the range starts in.
    growth, total = [], 0
    for month, count in _discoveries():
        total += count
        if month >= (since or "")[:7]:
            growth.append((month_label(month), count, total))
    return AnalyticsFigures(
        range_code=code,
        since=since,
        snapshots_in_range=len(diversity),
        growth=growth,
        diversity=diversity,
        top_artists=top_artists,
        tied_beyond=tied,
    )


def analytics(code):
    """Return the analytics page's figures for a range code (6m, 12m, 24m, all)."""
    return cached("analytics", _analytics, parse_range(code))


# Track history, snapshot comparison and archive status (dashboard pages).


@dataclass(frozen=True)
class TrackInfo:
    track_id: str
    name: str
    artist: str
    album: str | None = None
    duration_ms: int | None = None
    spotify_url: str | None = None


@dataclass(frozen=True)
class TrackHistory:
    track: TrackInfo
    # One label per short-term snapshot from first to last sighting, plus any
    # date the track was seen on in another range only.
    labels: list[str]
    # {time_range: [rank or None for each label]}
    ranks: dict[str, list[int | None]]
    # [(date, {time_range: rank})] for the dates the track was seen on.
    sightings: list[tuple[str, dict[str, int]]]
    first_seen: str | None
    last_seen: str | None
    peak_rank: int | None
    peak_date: str | None
    short_snapshots: int
    snapshots_since_first: int

    @property
    def table(self):
        """Return (date, short, medium, long rank) rows, a date each sighting."""
        return [
            (day, *(ranks.get(code) for code in TimeRange.values))
            for day, ranks in self.sightings
        ]


@dataclass(frozen=True)
class Move:
    track: TrackInfo
    before: int | None
    after: int | None

    @property
    def change(self):
        """Return places climbed (positive) or fallen (negative)."""
        if self.before is None or self.after is None:
            return None
        return self.before - self.after


@dataclass(frozen=True)
class Comparison:
    before: str
    after: str
    entered: list[Move]
    left: list[Move]
    climbed: list[Move]
    fell: list[Move]
    held: list[Move]


@dataclass(frozen=True)
class ArchiveStatus:
    tracks: int
    snapshot_rows: int
    snapshots_taken: int
    first_snapshot: str | None
    latest_snapshot: str | None


def dates():
    """Return the short-term snapshot dates, oldest first (cached)."""
    return cached("dates", snapshot_dates)


def _track_info(row):
    track_id, name, artist, album, duration_ms, spotify_url = row
    return TrackInfo(track_id, name, artist, album, duration_ms, spotify_url)


def _track_history(track_id, all_dates):
    found = Track.objects.filter(track_id=track_id).values_list(
        "track_id", "name", "artist_name", "album_name", "duration_ms", "spotify_url"
    )
    if not found:
        return None
    track = _track_info(found[0])
    # The primary key starts with track_id, so this reads one index range.
    rows = Snapshot.objects.filter(track_id=track_id).values_list(
        "snapshot_date", "time_range", "rank"
    )
    seen = {}
    for day, time_range, rank in rows.order_by():
        seen.setdefault(day, {})[time_range] = rank
    sightings = sorted(seen.items())
    if not sightings:
        return TrackHistory(track, [], {}, [], None, None, None, None, 0, 0)

    first, last = sightings[0][0], sightings[-1][0]
    labels = sorted({day for day in all_dates if first <= day <= last} | set(seen))
    ranks = {
        time_range: [seen.get(day, {}).get(time_range) for day in labels]
        for time_range in TimeRange.values
    }
    short = [(ranked[SHORT], day) for day, ranked in sightings if SHORT in ranked]
    peak_rank, peak_date = min(short) if short else (None, None)
    return TrackHistory(
        track=track,
        labels=labels,
        ranks=ranks,
        sightings=sightings,
        first_seen=first,
        last_seen=last,
        peak_rank=peak_rank,
        peak_date=peak_date,
        short_snapshots=len(short),
        snapshots_since_first=sum(1 for day in all_dates if day >= first),
    )


def track_history(track_id):
    """Return a track's ranks across snapshots, or None if it is not in the
    catalogue."""
    return cached("track_history", _track_history, track_id, tuple(dates()))


def _compare(before, after):
    with _cursor() as cursor:
        cursor.execute(
            """
            SELECT row.snapshot_date, row.rank, row.track_id,
                   track.name, track.artist_name, track.album_name
            FROM tracks AS track
            CROSS JOIN snapshots AS row ON row.track_id = track.track_id
            WHERE row.time_range = %s AND row.snapshot_date IN (%s, %s)
            """,
            [SHORT, before, after],
        )
        rows = cursor.fetchall()
    ranks = {before: {}, after: {}}
    tracks = {}
    for day, rank, track_id, name, artist, album in rows:
        if day not in ranks:
            # A damaged index can answer with a date that was not asked for.
            continue
        ranks[day][track_id] = rank
        tracks[track_id] = TrackInfo(track_id, name, artist, album)
    old, new = ranks[before], ranks[after]
    moves = [
        Move(tracks[track_id], old.get(track_id), new.get(track_id))
        for track_id in tracks
    ]
    both = [move for move in moves if move.change is not None]
    return Comparison(
        before=before,
        after=after,
        entered=sorted(
            (move for move in moves if move.before is None), key=lambda m: m.after
        ),
        left=sorted(
            (move for move in moves if move.after is None), key=lambda m: m.before
        ),
        climbed=sorted(
            (move for move in both if move.change > 0),
            key=lambda m: (-m.change, m.after),
        ),
        fell=sorted(
            (move for move in both if move.change < 0),
            key=lambda m: (m.change, m.after),
        ),
        held=sorted((move for move in both if move.change == 0), key=lambda m: m.after),
    )


def compare(before, after):
    """Return what entered, left, climbed and fell in the short-term top 50
    between two snapshot dates."""
    return cached("compare", _compare, before, after)


def _archive_status():
    taken = snapshot_dates()
    return ArchiveStatus(
        tracks=tracks_tracked(),
        snapshot_rows=Snapshot.objects.count(),
        snapshots_taken=len(taken),
        first_snapshot=taken[0] if taken else None,
        latest_snapshot=taken[-1] if taken else None,
    )


def archive_status():
    """Return the archive's row counts and snapshot dates."""
    return cached("archive_status", _archive_status)
