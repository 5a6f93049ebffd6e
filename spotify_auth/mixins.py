"""Login-required mixin for class-based views, in the manner of Django's own."""

from django.contrib.auth.mixins import AccessMixin


class SpotifyLoginRequiredMixin(AccessMixin):
    """Send people who have not signed in with Spotify to the sign-in page."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)
