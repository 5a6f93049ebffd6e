"""Refresh Spotify tokens shortly before they expire."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from . import client, tokens

logger = logging.getLogger(__name__)


class TokenRefreshMiddleware:
    """Renew the session's tokens before a view runs, if they are due.

    When Spotify withdrew the sign-in the person is signed out and sent to
    the landing page with a sentence. When Spotify cannot be reached the
    tokens stay and the view runs; `request.spotify_problem` then holds a
    sentence a page may show.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.spotify_problem = ""
        response = self.get_response(request)
        tokens.reconcile(request.session)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and "spotify_auth" in match.app_names:
            # Signing in and out needs no live token.
            return None
        current = tokens.get(request.session)
        if current is None or not current.due():
            return None

        try:
            tokens.refresh(request)
        except client.Revoked as revoked:
            logger.info("Spotify withdrew a sign-in; signing the session out")
            logout(request)
            messages.warning(request, revoked.sentence)
            if request.method in ("GET", "HEAD"):
                return redirect_to_login(request.get_full_path())
            return redirect(settings.LOGIN_URL)
        except client.SpotifyError as failure:
            logger.warning(
                "Token refresh failed (%s); tokens kept", type(failure).__name__
            )
            request.spotify_problem = failure.sentence
        return None
