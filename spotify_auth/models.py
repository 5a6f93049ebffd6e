from django.conf import settings
from django.db import models


class SpotifyIdentity(models.Model):
    """Tie a Django user to the Spotify account that signs them in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="spotify_identity",
    )
    spotify_id = models.CharField(max_length=255, unique=True)
    display_name = models.CharField(max_length=255, blank=True)
    last_sign_in = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Spotify identity"
        verbose_name_plural = "Spotify identities"

    def __str__(self):
        return self.spotify_id


class RefreshLock(models.Model):
    """A row held by the one request that refreshes a session's tokens.

    The row lives in the default database, so it excludes requests served
    by other threads, other gunicorn workers and other hosts alike.
    """

    session_key = models.CharField(max_length=40, primary_key=True)
    holder = models.CharField(max_length=64)
    taken_at = models.DateTimeField()

    def __str__(self):
        return f"refresh lock taken at {self.taken_at:%H:%M:%S}"
