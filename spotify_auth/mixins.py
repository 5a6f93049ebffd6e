"""Login-required mixin for class-based views, in the manner of Django's own."""

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url

from . import tokens


class SpotifyLoginRequiredMixin(AccessMixin):
    """Let in only people who signed in; send the rest to `login_url`.

    People sign in through Spotify, and a session whose Spotify grant is
    withdrawn is signed out by the token middleware, so a signed-in user is
    normally also connected. A view that calls Spotify sets
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
            self.request.get_full_path(),
            resolve_url(self.get_login_url()),
            self.get_redirect_field_name(),
        )
