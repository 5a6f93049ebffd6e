"""Fixtures for the local Spotify stand-in and signed-in clients.

Owned by the sign-in work (spotify_auth); filled in there.
"""
