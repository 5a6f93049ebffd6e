"""Write a realistic demo archive in the snapshot program's exact schema.

Taste drifts the way it does for a real listener: the short-term top 50
churns a few tracks per snapshot, the medium-term list follows it slowly and
the long-term list hardly moves. Names include quotes, markup, emoji,
right-to-left text and very long strings, because real names do.
"""

import datetime
import json
import os
import random
import sqlite3
import string
import tempfile
from pathlib import Path

from .archive import SCHEMA_SQL

SIZES = {
    # name: (snapshots, days between snapshots)
    "small": (24, 30),
    "demo": (104, 7),
    "million": (7300, 1),
}

TOP = 50
BASE62 = string.ascii_letters + string.digits

ARTISTS = [
    "Björk",
    "Sigur Rós",
    "Beyoncé",
    "Fleetwood Mac",
    "Daft Punk",
    "Radiohead",
    "Khruangbin",
    "Rosalía",
    "Fairuz",
    "فيروز",
    "עומר אדם",
    "Guns N' Roses",
    'The "Quoted" Band',
    "<script>alert('x')</script>",
    "<b>Bold</b> & Co",
    "Tom & Jerry's Jam",
    "🎧 Headphone Club",
    "Sufjan Stevens",
    "Little Simz",
    "Nils Frahm",
    "Kraftwerk",
    "Mitski",
    "Ólafur Arnalds",
    "坂本龍一",
    "BTS",
    "Stromae",
    "Caroline Polachek",
    "Bon Iver",
    "Kendrick Lamar",
    "Portishead",
    "Massive Attack",
    "Tame Impala",
    "Phoebe Bridgers",
    "Aphex Twin",
    "Burial",
    "Nina Simone",
    "Miles Davis",
    "Alice Coltrane",
    "Tinariwen",
    "Ali Farka Touré",
    "Fela Kuti",
    "Caetano Veloso",
    "Os Mutantes",
    "Ryuichi Sakamoto, Alva Noto",
    "Sade",
    "Talking Heads",
    "Joni Mitchell",
    "Frank Ocean",
    "SZA",
    "Four Tet",
    "Floating Points",
    "Jon Hopkins",
    "Bicep",
    "Moderat",
    "The xx",
    "Arca",
    "FKA twigs",
    "Sampha",
    "James Blake",
    "Angel Olsen",
    "Weyes Blood",
    "Big Thief",
    "Adrianne Lenker",
    "Hiatus Kaiyote",
    "Thundercat",
    "Kamasi Washington",
    "Anoushka Shankar",
    "Mdou Moctar",
    "Altın Gün",
    "Ibeyi",
    "Nubya Garcia",
    "Yussef Dayes",
    "L'Impératrice",
    "Christine and the Queens",
    "Jain",
    "Mariza",
    "Buena Vista Social Club",
    "Natalia Lafourcade",
    "Bad Bunny",
    "KAROL G",
]

WORDS = [
    "night",
    "light",
    "river",
    "glass",
    "summer",
    "echo",
    "paper",
    "moon",
    "slow",
    "gold",
    "blue",
    "heart",
    "fire",
    "city",
    "rain",
    "dream",
    "wild",
    "home",
    "ocean",
    "silver",
    "velvet",
    "ghost",
    "signal",
    "honey",
    "garden",
    "static",
    "northern",
    "electric",
    "tender",
    "falling",
]

ODD_TITLES = [
    'Don\'t Say "Goodbye"',
    "<i>Italic</i> & <u>Underlined</u>",
    "</title><script>alert(1)</script>",
    "🔥🔥🔥 (Remix) 🎶",
    "أغنية الليل",
    "שיר אהבה",
    "Ça plane pour moi",
    "Zürich, ﬁnally",
    "Track with a very long name " + "la " * 90,
    "{{ template }} {% tag %}",
    "Robert'); DROP TABLE tracks;--",
]


def _track_id(rng):
    return "".join(rng.choice(BASE62) for _ in range(22))


def _title(rng):
    if rng.random() < 0.05:
        return rng.choice(ODD_TITLES)
    words = rng.sample(WORDS, rng.randint(1, 3))
    return " ".join(word.capitalize() for word in words)


class _Catalogue:
    def __init__(self, rng):
        self.rng = rng
        self.rows = []
        self.ids = []
        # A few favourite artists carry a listener's taste for years; the cap
        # keeps one of them from taking over the whole catalogue.
        self.weights = [min(rng.paretovariate(1.2), 15) for _ in ARTISTS]

    def new_track(self):
        rng = self.rng
        track_id = _track_id(rng)
        artist = rng.choices(ARTISTS, self.weights)[0]
        if rng.random() < 0.08:
            artist = f"{artist}, {rng.choice(ARTISTS)}"
        name = _title(rng)
        album = None if rng.random() < 0.05 else f"{_title(rng)} (Deluxe)"
        duration = rng.randint(95_000, 420_000)
        url = f"https://open.spotify.com/track/{track_id}"
        if rng.random() < 0.03:
            url, raw = None, None
        elif rng.random() < 0.5:
            raw = "{}"
        else:
            raw = json.dumps(
                {
                    "id": track_id,
                    "name": name,
                    "artists": [{"name": artist}],
                    "album": {"name": album},
                    "duration_ms": duration,
                    "uri": f"spotify:track:{track_id}",
                },
                ensure_ascii=False,
            )
        self.rows.append((track_id, name, artist, album, duration, url, raw))
        self.ids.append(track_id)
        return track_id


def _drift(rng, current, pool_pick, changes):
    """Swap `changes` tracks of `current` for others and nudge the order."""
    current = list(current)
    for _ in range(changes):
        candidate = pool_pick()
        if candidate in current:
            continue
        current[rng.randrange(len(current))] = candidate
    for _ in range(len(current) // 5):
        i = rng.randrange(len(current) - 1)
        current[i], current[i + 1] = current[i + 1], current[i]
    return current


# Over the last snapshots taste drifts toward the local Spotify stand-in's
# top tracks, so a snapshot taken in the demo continues its story; this many
# of the stand-in's short-term tracks are still new on the day after.
HANDOVER_SNAPSHOTS = 10
NEW_TOMORROW = 4


def _handover(catalogue):
    """Add the stand-in's tracks to `catalogue`; return its lists of ids."""
    from spotify_auth.standin.catalogue import TOP_TRACKS

    from .snapshots import track_row

    lists = {}
    for time_range, tracks in TOP_TRACKS.items():
        for track in tracks:
            if track["id"] not in catalogue.ids:
                catalogue.rows.append(track_row(track))
                catalogue.ids.append(track["id"])
        lists[time_range] = [track["id"] for track in tracks]
    return lists


def _toward(rng, current, target, steps_left, keep_out=()):
    """Move `current` a step toward `target`; on the last step, become it
    but for the tracks in `keep_out`, whose places keep what was there."""
    if steps_left <= 1:
        spare = [track for track in current if track not in target]
        return [
            spare.pop(0) if track in keep_out and spare else track for track in target
        ]
    current = list(current)
    wanted = [t for t in target if t not in current and t not in keep_out]
    for track in rng.sample(wanted, len(wanted) // steps_left):
        outsiders = [i for i, old in enumerate(current) if old not in target]
        if outsiders:
            current[rng.choice(outsiders)] = track
    return current


def generate(snapshots, every_days, end=None, seed=2026):
    """Yield (tracks, snapshot rows) for an archive of the given shape."""
    rng = random.Random(seed)
    catalogue = _Catalogue(rng)
    # Ending yesterday leaves today free, so "Take a snapshot now" has
    # something to add on a fresh demo.
    end = end or datetime.date.today() - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=every_days * (snapshots - 1))
    # Churn scales with the gap between snapshots: a month moves more than a day.
    churn = max(2, round(min(every_days, 30) * 0.7))

    short = [catalogue.new_track() for _ in range(TOP)]
    medium = list(short)
    long_ = list(short)
    rows = []

    def recent_or_new():
        if rng.random() < 0.7:
            return catalogue.new_track()
        return rng.choice(catalogue.ids[-400:])

    handover = None
    for index in range(snapshots):
        day = (start + datetime.timedelta(days=every_days * index)).isoformat()
        steps_left = snapshots - index
        if index and steps_left <= HANDOVER_SNAPSHOTS:
            if handover is None:
                handover = _handover(catalogue)
                tomorrow = set(handover["short_term"][-NEW_TOMORROW:])
            short = _toward(rng, short, handover["short_term"], steps_left, tomorrow)
            medium = _toward(rng, medium, handover["medium_term"], steps_left)
            long_ = _toward(rng, long_, handover["long_term"], steps_left)
        elif index:
            short = _drift(rng, short, recent_or_new, rng.randint(0, churn))
            medium = _drift(
                rng, medium, lambda pool=short: rng.choice(pool), churn // 3
            )
            if rng.random() < 0.2:
                long_ = _drift(rng, long_, lambda pool=medium: rng.choice(pool), 1)
        for time_range, ranked in (
            ("short_term", short),
            ("medium_term", medium),
            ("long_term", long_),
        ):
            rows.extend(
                (track_id, day, time_range, rank)
                for rank, track_id in enumerate(ranked, start=1)
            )
    # The catalogue also holds tracks that appear in no snapshot.
    for _ in range(max(3, snapshots // 50)):
        catalogue.new_track()
    return catalogue.rows, rows


def write(path, size="demo", snapshots=None, every_days=None, seed=2026, end=None):
    """Write a demo archive at `path`, replacing nothing that exists.

    The file is built beside the target and linked into place, so a reader
    never sees it half-written. Return (tracks, snapshot rows) written.
    """
    path = Path(path)
    default_snapshots, default_every = SIZES[size]
    tracks, rows = generate(
        snapshots or default_snapshots, every_days or default_every, end, seed
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".partial")
    os.close(handle)
    os.chmod(temporary, 0o644)
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.executescript(SCHEMA_SQL)
            with connection:
                connection.executemany(
                    "INSERT INTO tracks VALUES (?, ?, ?, ?, ?, ?, ?)", tracks
                )
                connection.executemany(
                    "INSERT INTO snapshots VALUES (?, ?, ?, ?)", rows
                )
        finally:
            connection.close()
        # link() refuses an existing target, so a real archive is never replaced.
        os.link(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return len(tracks), len(rows)
