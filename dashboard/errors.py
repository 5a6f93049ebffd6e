"""Error pages in the site's style. Each says one sentence and links home."""

import logging

from django.shortcuts import render

logger = logging.getLogger(__name__)


def _error(request, status, title, sentence, bare=False):
    # `bare` leaves out the navigation, which reads the session and the user:
    # a 500 may come from exactly that failing.
    return render(
        request,
        "error.html",
        {"status": status, "title": title, "sentence": sentence, "bare": bare},
        status=status,
    )


def bad_request(request, exception=None):
    return _error(
        request,
        400,
        "Bad request",
        "The request could not be understood. Go back and try again.",
    )


def csrf_failure(request, reason=""):
    logger.warning("CSRF check failed on %s: %s", request.path, reason)
    return _error(
        request,
        403,
        "Form expired",
        "This form was out of date or came from another site, so nothing was "
        "done. Reload the page and submit it again.",
    )


def permission_denied(request, exception=None):
    return _error(
        request, 403, "Not allowed", "You do not have permission to see this page."
    )


def not_the_owner(request):
    return _error(
        request,
        403,
        "For the archive's owner",
        "Only the archive's owners may take snapshots or clear data: their "
        "Spotify ids are in SPOTIFY_ADMIN_USERS. Nothing was changed.",
    )


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        "Page not found",
        "There is nothing at this address. Check the link, or start from home.",
    )


def server_error(request):
    return _error(
        request,
        500,
        "Something went wrong",
        "The page failed on the server. The error has been logged; nothing you "
        "stored was changed.",
        bare=True,
    )
