import os
import sys

from django.apps import AppConfig


class SpotifyAuthConfig(AppConfig):
    name = "spotify_auth"
    verbose_name = "Spotify sign-in"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .standin import runserver

        if runserver.wanted(sys.argv, os.environ):
            self.standin = runserver.start()
