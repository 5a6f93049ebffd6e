"""Django users for Spotify accounts: who may enter, and who is staff."""

import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from .models import SpotifyIdentity

logger = logging.getLogger(__name__)


class NotAllowed(Exception):
    """This Spotify account may not sign in; `sentence` says so."""

    def __init__(self, sentence):
        super().__init__(sentence)
        self.sentence = sentence


def allowed(spotify_id):
    allow_list = settings.SPOTIFY_ALLOWED_USERS
    return not allow_list or spotify_id in allow_list


def user_for(profile):
    """Return the Django user tied to `profile`, creating it on first sign-in.

    Staff and superuser status follow SPOTIFY_ADMIN_USERS at every sign-in,
    so taking an id off that list takes the admin away next time.
    """
    if not allowed(profile.id):
        raise NotAllowed(
            "This Spotify account is not on this dashboard's guest list. Ask "
            "its owner to add your Spotify id to SPOTIFY_ALLOWED_USERS."
        )
    try:
        user = _tie(profile)
    except IntegrityError:
        # Another sign-in of the same account created the tie meanwhile.
        user = _tie(profile)
    if not user.is_active:
        raise NotAllowed("This account has been switched off on this dashboard.")
    return user


def _tie(profile):
    is_admin = profile.id in settings.SPOTIFY_ADMIN_USERS
    with transaction.atomic():
        identity = (
            SpotifyIdentity.objects.select_related("user")
            .filter(spotify_id=profile.id)
            .first()
        )
        if identity is None:
            user = _new_user(profile.id)
            identity = SpotifyIdentity(user=user, spotify_id=profile.id)
            logger.info("First sign-in of a Spotify account; user %s made", user.pk)
        user = identity.user
        # The admin greets people by their short name: their Spotify name.
        name = profile.display_name[:150]
        if (user.is_staff, user.is_superuser, user.first_name) != (
            is_admin,
            is_admin,
            name,
        ):
            user.is_staff = user.is_superuser = is_admin
            user.first_name = name
            user.save(update_fields=["is_staff", "is_superuser", "first_name"])
        identity.display_name = profile.display_name[:255]
        identity.save()
    return user


def _new_user(spotify_id):
    User = get_user_model()
    username = f"spotify:{spotify_id}"[:150]
    if User.objects.filter(username=username).exists():
        username = f"{username[:140]}:{secrets.token_hex(4)}"
    return User.objects.create_user(username=username, password=None)
