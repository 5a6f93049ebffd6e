"""Track lists for each playlist source, and publishing one to Spotify.

Every window ("90 to 365 days ago", "the latest snapshot") is measured back
from the latest short-term snapshot, not from today, like the analytics
ranges: an archive that stopped growing a while ago still gives the same
playlists it gave on the day of its last snapshot.

The queries walk the catalogue and seek each track's rows in the primary key
index (track_id, snapshot_date, time_range): the CROSS JOIN keeps SQLite from
scanning a million rows for one date. As in every figure, a snapshot row
whose track is missing from the catalogue is left out.
"""

import datetime
import logging
import re
from dataclasses import dataclass

from django.db import connections

from spotify_auth import client

from . import archive, figures
from .figures import SHORT

logger = logging.getLogger(__name__)

# Spotify refuses a whole request over one malformed URI, so tracks whose id
# is not a Spotify id are shown but left out of the playlist.
SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
NAME_MAX = 100
GEM_RECENT_DAYS = 90
GEM_OLDEST_DAYS = 365
RANGE_ORDER = {"short_term": 0, "medium_term": 1, "long_term": 2}


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    summary: str
    dated: bool = False


SOURCES = {
    source.code: source
    for source in (
        Source(
            "forgotten-gems",
            "Forgotten Gems",
            "Tracks in your four-week top 50 between 90 and 365 days before "
            "your latest snapshot, and not in the 90 days since.",
        ),
        Source(
            "recent-discoveries",
            "Recent Discoveries",
            "Tracks that appeared for the first time, in any list, in your "
            "latest snapshot.",
        ),
        Source(
            "current-rotation",
            "Current Rotation",
            "Your latest four-week top 50, in rank order.",
        ),
        Source(
            "time-capsule",
            "Time Capsule",
            "Any past snapshot's four-week top 50, rebuilt in rank order.",
            dated=True,
        ),
    )
}


@dataclass(frozen=True)
class Candidate:
    track_id: str
    name: str
    artist: str
    album: str | None
    rank: int | None = None
    last_seen: str | None = None
    days_ago: int | None = None
    appearances: int | None = None

    @property
    def uri(self):
        return f"spotify:track:{self.track_id}"

    @property
    def addable(self):
        return bool(SPOTIFY_ID.match(self.track_id))


@dataclass(frozen=True)
class Selection:
    source: Source
    anchor: str | None
    date: str | None
    tracks: list[Candidate]

    @property
    def addable(self):
        return [track for track in self.tracks if track.addable]

    @property
    def skipped(self):
        return len(self.tracks) - len(self.addable)

    def default_name(self, today):
        """Return "<Label> - <Month Year>"; a time capsule names its date."""
        when = today
        if self.source.dated and self.date:
            try:
                when = datetime.date.fromisoformat(self.date)
            except ValueError:
                # A malformed date in the archive; today's month still reads.
                when = today
        return f"{self.source.label} - {when:%B %Y}"


@dataclass(frozen=True)
class Published:
    playlist_id: str
    name: str
    url: str
    added: int


class PartlyPublished(Exception):
    """The playlist was created but not every chunk of tracks went in."""

    def __init__(self, published, error):
        super().__init__(str(error))
        self.published = published
        self.error = error


def _rows(sql, params):
    with connections[archive.ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _shift(day, days):
    try:
        moved = datetime.date.fromisoformat(day) - datetime.timedelta(days=days)
    except ValueError:
        return None
    return moved.isoformat()


def _days_between(earlier, later):
    try:
        gap = datetime.date.fromisoformat(later) - datetime.date.fromisoformat(earlier)
    except (TypeError, ValueError):
        return None
    return gap.days


def _ranked(day):
    rows = _rows(
        """
        SELECT row.track_id, track.name, track.artist_name, track.album_name,
               row.rank
        FROM tracks AS track
        CROSS JOIN snapshots AS row ON row.track_id = track.track_id
        WHERE row.snapshot_date = %s AND row.time_range = %s
        ORDER BY row.rank, row.track_id
        """,
        [day, SHORT],
    )
    return [
        Candidate(track_id, name, artist, album, rank=rank, last_seen=day)
        for track_id, name, artist, album, rank in rows
    ]


def _forgotten_gems(latest):
    oldest = _shift(latest, GEM_OLDEST_DAYS)
    newest = _shift(latest, GEM_RECENT_DAYS)
    if oldest is None:
        return []
    # NOT EXISTS seeks each candidate's rows in the primary key index.
    rows = _rows(
        """
        SELECT row.track_id, track.name, track.artist_name, track.album_name,
               MIN(row.rank), MAX(row.snapshot_date), COUNT(*)
        FROM tracks AS track
        CROSS JOIN snapshots AS row ON row.track_id = track.track_id
        WHERE row.time_range = %s AND row.snapshot_date BETWEEN %s AND %s
          AND NOT EXISTS (
              SELECT 1 FROM snapshots AS later
              WHERE later.track_id = row.track_id
                AND later.time_range = %s AND later.snapshot_date > %s
          )
        GROUP BY row.track_id
        ORDER BY COUNT(*) DESC, MIN(row.rank), MAX(row.snapshot_date) DESC,
                 row.track_id
        """,
        [SHORT, oldest, newest, SHORT, newest],
    )
    return [
        Candidate(
            track_id,
            name,
            artist,
            album,
            rank=best,
            last_seen=last,
            days_ago=_days_between(last, latest),
            appearances=count,
        )
        for track_id, name, artist, album, best, last, count in rows
    ]


def _recent_discoveries(latest):
    rows = _rows(
        """
        SELECT row.track_id, track.name, track.artist_name, track.album_name,
               row.rank, row.time_range
        FROM tracks AS track
        CROSS JOIN snapshots AS row ON row.track_id = track.track_id
        WHERE row.snapshot_date = %s
          AND NOT EXISTS (
              SELECT 1 FROM snapshots AS earlier
              WHERE earlier.track_id = row.track_id
                AND earlier.snapshot_date < %s
          )
        """,
        [latest, latest],
    )
    rows.sort(key=lambda row: (RANGE_ORDER.get(row[5], 3), row[4], row[0]))
    picked = {}
    for track_id, name, artist, album, rank, time_range in rows:
        if track_id not in picked:
            ranked = rank if time_range == SHORT else None
            picked[track_id] = Candidate(
                track_id, name, artist, album, rank=ranked, last_seen=latest
            )
    return list(picked.values())


def _select(code, date, dates):
    source = SOURCES[code]
    latest = dates[-1] if dates else None
    if latest is None:
        return Selection(source, None, date, [])
    if code == "forgotten-gems":
        tracks = _forgotten_gems(latest)
    elif code == "recent-discoveries":
        tracks = _recent_discoveries(latest)
    elif code == "current-rotation":
        tracks = _ranked(latest)
    else:
        tracks = _ranked(date) if date in dates else []
    return Selection(source, latest, date, tracks)


def select(code, date=None):
    """Return the tracks a source would put in a playlist.

    `date` matters for the time capsule only and must be a snapshot date;
    raise KeyError for an unknown source.
    """
    source = SOURCES[code]
    date = date if source.dated else None
    return figures.cached("playlist", _select, code, date, tuple(figures.dates()))


def chunks(items, size=client.MAX_ITEMS_PER_CALL):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def publish(access_token, name, description, uris):
    """Create a private playlist and add `uris` in chunks Spotify accepts.

    Raise `client.SpotifyError` if nothing was created, `PartlyPublished`
    if the playlist exists but some tracks could not be added.
    """
    playlist = client.create_playlist(
        access_token, name, public=False, description=description
    )
    added = 0
    for chunk in chunks(list(uris)):
        try:
            client.add_items(access_token, playlist.id, chunk)
        except client.SpotifyError as error:
            logger.warning(
                "Playlist %s stopped after %s of %s tracks: %s",
                playlist.id,
                added,
                len(uris),
                type(error).__name__,
            )
            raise PartlyPublished(
                Published(playlist.id, playlist.name, playlist.url, added), error
            ) from error
        added += len(chunk)
    logger.info("Created playlist %s with %s tracks", playlist.id, added)
    return Published(playlist.id, playlist.name, playlist.url, added)
