"""System checks: the redirect URI Spotify will accept, and no stand-in or
stand-in credentials once DEBUG is off."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register

STANDIN_CLIENT_ID = "standin-client-id"


def _is_loopback(host):
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@register()
def check_redirect_uri(app_configs=None, **kwargs):
    uri = settings.SPOTIFY_REDIRECT_URI
    parts = urlsplit(uri)
    host = (parts.hostname or "").lower()
    hint = (
        "Use https://your.host/auth/callback/, or for this machine "
        "http://127.0.0.1:8000/auth/callback/, and register the same address "
        "with the Spotify app."
    )
    if parts.scheme not in ("http", "https") or not host:
        return [
            Error(
                f"SPOTIFY_REDIRECT_URI {uri!r} is not an absolute http(s) address.",
                hint=hint,
                id="spotify_auth.E001",
            )
        ]
    if host == "localhost" or host.endswith(".localhost"):
        return [
            Error(
                "SPOTIFY_REDIRECT_URI uses localhost, which Spotify refuses.",
                hint="Write the loopback address instead: http://127.0.0.1:PORT/...",
                id="spotify_auth.E002",
            )
        ]
    if parts.scheme == "http" and not _is_loopback(host):
        return [
            Error(
                "SPOTIFY_REDIRECT_URI uses plain http for a host other than "
                "loopback; Spotify accepts http only for 127.0.0.1 or [::1].",
                hint=hint,
                id="spotify_auth.E003",
            )
        ]
    return []


@register()
def check_no_standin_in_production(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    for name in ("SPOTIFY_ACCOUNTS_URL", "SPOTIFY_API_URL"):
        host = (urlsplit(getattr(settings, name)).hostname or "").lower()
        if host == "localhost" or _is_loopback(host):
            errors.append(
                Error(
                    f"{name} points at this machine ({host}) with DEBUG off; "
                    "that is the local Spotify stand-in, never for production.",
                    hint=f"Remove {name} from the environment to use Spotify.",
                    id="spotify_auth.E004",
                )
            )
    if getattr(settings, "SPOTIFY_STANDIN", False):
        errors.append(
            Error(
                "SPOTIFY_STANDIN is on with DEBUG off.",
                id="spotify_auth.E005",
            )
        )
    if settings.SPOTIFY_CLIENT_ID == STANDIN_CLIENT_ID:
        errors.append(
            Error(
                "SPOTIFY_CLIENT_ID is the stand-in's made-up id with DEBUG off.",
                hint="Set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET from the "
                "Spotify developer dashboard.",
                id="spotify_auth.E006",
            )
        )
    return errors


@register(deploy=True)
def check_credentials(app_configs=None, **kwargs):
    if settings.SPOTIFY_CLIENT_ID and settings.SPOTIFY_CLIENT_SECRET:
        return []
    return [
        Warning(
            "SPOTIFY_CLIENT_ID or SPOTIFY_CLIENT_SECRET is empty, so nobody can "
            "sign in.",
            hint="Set both from the Spotify developer dashboard; see docs/spotify.md.",
            id="spotify_auth.W001",
        )
    ]


@register(deploy=True)
def check_guest_list(app_configs=None, **kwargs):
    if settings.SPOTIFY_ALLOWED_USERS:
        return []
    return [
        Warning(
            "SPOTIFY_ALLOWED_USERS is empty, so anyone Spotify lets through can "
            "sign in and read the archive.",
            hint="List the Spotify user ids that may sign in, comma-separated.",
            id="spotify_auth.W002",
        )
    ]
