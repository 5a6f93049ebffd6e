"""Small display helpers for the dashboard's templates."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

SPOTIFY_WEB = "https://open.spotify.com/"


@register.filter
def track_url(track_id):
    """Return the track page's address, or "" for an id no URL can hold."""
    if not track_id:
        return ""
    try:
        return reverse("dashboard:track", args=[track_id])
    except NoReverseMatch:
        return ""


@register.filter
def spotify_url(url):
    """Return `url` only if it leads to Spotify's web player, else ""."""
    if isinstance(url, str) and url.startswith(SPOTIFY_WEB):
        return url
    return ""


@register.filter
def duration(milliseconds):
    """Return 3:07 for 187000 ms; "" for anything that is not a duration."""
    if not isinstance(milliseconds, int) or milliseconds < 0:
        return ""
    minutes, seconds = divmod(round(milliseconds / 1000), 60)
    return f"{minutes}:{seconds:02d}"


@register.filter
def signed(number):
    """Return +3 / −2 with a real minus sign, for rank changes."""
    if not isinstance(number, int):
        return ""
    if number > 0:
        return f"+{number}"
    if number < 0:
        return f"\u2212{-number}"
    return "0"
