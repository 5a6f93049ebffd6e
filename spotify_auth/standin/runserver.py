"""Start the stand-in next to `manage.py runserver` when no Spotify app is set.

It runs in the process that watches for code changes (the one without
RUN_MAIN=true), not in the child that serves and restarts on every edit:
there its tokens, and so every signed-in session, would vanish with each
reload. With --noreload the only process does both jobs.
"""

import logging
import sys

from django.conf import settings

from . import StandIn

logger = logging.getLogger(__name__)


def wanted(argv, environ):
    """Return whether this process should run the stand-in."""
    return (
        settings.SPOTIFY_STANDIN
        and len(argv) > 1
        and argv[1] == "runserver"
        and environ.get("RUN_MAIN") != "true"
    )


def start():
    standin = StandIn(settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET)
    try:
        standin.start(port=settings.SPOTIFY_STANDIN_PORT)
    except OSError as error:
        logger.warning(
            "Spotify stand-in not started: port %s is taken (%s). Another "
            "runserver may be running one already.",
            settings.SPOTIFY_STANDIN_PORT,
            error.strerror,
        )
        return None
    # Printed as well as logged: this is the line a newcomer looks for.
    sys.stdout.write(
        f"Spotify stand-in at {standin.url} (no SPOTIFY_CLIENT_ID set); "
        "sign in as demo-listener.\n"
    )
    return standin
