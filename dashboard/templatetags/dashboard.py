"""Small display helpers for the dashboard's templates."""

import html

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

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


@register.simple_tag
def number_rows(rows):
    """Return table rows for (label, number, ...) tuples, label as a row header
    and None as a dash.

    A daily archive's "all time" tables run to thousands of rows; building
    them here is several times faster than a template loop.
    """
    built = []
    for label, *values in rows:
        cells = "".join(f'<td class="num">{_text(value)}</td>' for value in values)
        built.append(f'<tr><th scope="row">{_text(label)}</th>{cells}</tr>')
    # Every value above went through _text, which escapes it.
    return mark_safe("".join(built))  # noqa: S308


def _text(value):
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return html.escape(str(value))
