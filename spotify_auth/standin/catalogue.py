"""Plausible top tracks for the stand-in: 50 per time range, always the same.

The names deliberately hold quotes, markup, emoji, right-to-left scripts and
one 300-character title, because real archives do.
"""

import hashlib
import random

TIME_RANGES = ("short_term", "medium_term", "long_term")
PER_RANGE = 50
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

_ODD_TITLES = [
    "Don't Stop \"Believin'\" (Live)",
    '<script>alert("gotcha")</script> & Friends',
    "Sunrise 🌅 Drive",
    "أغنية الليل",
    "שיר של יום",
    "Ünïcödé Çafé Blues",
    "<b>Bold</b> &amp; Brave",
    "Ballad of the Long Name " + "la " * 90 + "(Extended)",
]
_ODD_ARTISTS = [
    "Sigur Rós",
    'O\'Brien & "The Quotes"',
    "<i>Markup</i> Band",
    "فيروز",
    "🦊 Fox Club",
    "Beyoncé",
]
_ARTISTS = [
    "The Midnight Owls",
    "Lena Park",
    "Paper Lanterns",
    "Marco Diaz",
    "Velvet Static",
    "Northern Drift",
    "Aya Tanaka",
    "Glass Harbour",
    "The Quiet Machines",
    "Sofia Reyes",
    "Brass & Bone",
    "Kite Season",
    "Orchard Lane",
    "Mina Okafor",
    "Low Tide Radio",
    "Jonas Weber",
    "Copper Moth",
    "Isla Moreno",
    "The Slow Parade",
    "Ravi Anand",
    "Silver Hollow",
    "Chloé Martin",
    "Desert Bloom",
    "Kenji Mori",
    "Harbour Lights",
    "Nadia Haddad",
    "Wild Geese",
    "Tomás Ruiz",
    "Morning Atlas",
    "Freya Lind",
    "Blue Cartographers",
    "Ama Mensah",
]
_WORDS = [
    "Golden",
    "Hours",
    "Neon",
    "River",
    "Echo",
    "Summer",
    "Static",
    "Paper",
    "Heart",
    "Signals",
    "Midnight",
    "Avenue",
    "Glass",
    "Satellite",
    "Honey",
    "Rain",
    "Wild",
    "Lights",
]


def track_id(seed):
    """Return a 22-character base62 id derived from `seed`."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    chars = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        chars.append(_BASE62[digit])
    return "".join(chars)


def _track(index, rng):
    artists_pool = _ARTISTS + _ODD_ARTISTS
    if index < len(_ODD_TITLES):
        name = _ODD_TITLES[index]
    else:
        name = " ".join(rng.sample(_WORDS, rng.choice((1, 2, 3))))
    main = artists_pool[index % len(artists_pool)]
    artists = [main] + ([rng.choice(_ARTISTS)] if rng.random() < 0.2 else [])
    album = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}"
    tid = track_id(f"standin-track-{index}")
    album_id = track_id(f"standin-album-{album}")
    return {
        "id": tid,
        "name": name,
        "type": "track",
        "uri": f"spotify:track:{tid}",
        "href": f"https://api.spotify.com/v1/tracks/{tid}",
        "external_urls": {"spotify": f"https://open.spotify.com/track/{tid}"},
        "duration_ms": rng.randint(95_000, 420_000),
        "explicit": rng.random() < 0.1,
        "popularity": rng.randint(5, 95),
        "track_number": rng.randint(1, 14),
        "disc_number": 1,
        "is_local": False,
        "artists": [_artist(artist) for artist in artists],
        "album": {
            "id": album_id,
            "name": album,
            "type": "album",
            "album_type": "album",
            "uri": f"spotify:album:{album_id}",
            "release_date": f"{rng.randint(1975, 2026)}-0{rng.randint(1, 9)}-15",
            "images": [],
            "artists": [_artist(main)],
        },
    }


def _artist(name):
    aid = track_id(f"standin-artist-{name}")
    return {
        "id": aid,
        "name": name,
        "type": "artist",
        "uri": f"spotify:artist:{aid}",
        "external_urls": {"spotify": f"https://open.spotify.com/artist/{aid}"},
    }


def _build():
    # Seeded on purpose: the demo catalogue must be the same on every run.
    rng = random.Random(1729)  # noqa: S311
    pool = [_track(index, rng) for index in range(110)]
    # Ranges overlap the way real listening does: the long term shares a
    # stretch with the medium term, the medium term with the short term.
    return {
        "short_term": pool[0:50],
        "medium_term": pool[30:80],
        "long_term": pool[60:110],
    }


TOP_TRACKS = _build()
ALL_IDS = {track["id"] for tracks in TOP_TRACKS.values() for track in tracks}
