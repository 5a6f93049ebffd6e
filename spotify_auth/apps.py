from django.apps import AppConfig


class SpotifyAuthConfig(AppConfig):
    name = "spotify_auth"
    verbose_name = "Spotify sign-in"
