"""Login-required mixin for class-based views, in the manner of Django's own."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from . import tokens


class SpotifyLoginRequiredMixin(AccessMixin):
    """Let in only people who signed in; send the rest to `login_url`.

    People sign in through Spotify, and a session whose Spotify grant is
    withdrawn is signed out by the token middleware, so a signed-in user is
    normally also connected. A view that must call Spotify may set
    `spotify_connection_required = True` to insist on tokens in the session
    as well: a password login to the admin, or a session that disconnected
    Spotify, is then sent to `login_url` to connect instead of refused.
    """

    spotify_connection_required = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.spotify_connection_required and not tokens.connected(request):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def handle_no_permission(self):
        if self.raise_exception:
            raise PermissionDenied(self.get_permission_denied_message())
        return redirect_to_login(
            self.get_return_path(),
            resolve_url(self.get_login_url()),
            self.get_redirect_field_name(),
        )

    def get_return_path(self):
        """Return where to come back to after signing in.

        A form posted after its sign-in lapsed cannot come back to the
        action's own address, which only takes POST: go back to the page the
        form was on, if it is on this site, or else home.
        """
        request = self.request
        if request.method in ("GET", "HEAD"):
            return request.get_full_path()
        referer = request.META.get("HTTP_REFERER", "")
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=False
        ):
            parts = urlsplit(referer)
            return urlunsplit(("", "", parts.path or "/", parts.query, ""))
        return resolve_url(settings.LOGIN_REDIRECT_URL)
