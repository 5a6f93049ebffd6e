"""The login-required mixin, and the system checks."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views import View

from spotify_auth import checks, tokens
from spotify_auth.mixins import SpotifyLoginRequiredMixin


class PlainView(SpotifyLoginRequiredMixin, View):
    def get(self, request):
        return HttpResponse("inside")


class ConnectedView(PlainView):
    spotify_connection_required = True


def request_for(rf, user, session=None, path="/playlists/?source=gems"):
    request = rf.get(path)
    request.user = user
    request.session = session if session is not None else {}
    return request


def test_a_stranger_is_sent_to_the_landing_page_with_next(rf):
    response = PlainView.as_view()(request_for(rf, AnonymousUser()))

    assert response.status_code == 302
    assert response["Location"] == "/auth/?next=/playlists/%3Fsource%3Dgems"


def test_login_url_and_redirect_field_name_can_be_changed(rf):
    view = PlainView.as_view(login_url="/elsewhere/", redirect_field_name="back")

    response = view(request_for(rf, AnonymousUser()))

    assert response["Location"] == "/elsewhere/?back=/playlists/%3Fsource%3Dgems"


def test_raise_exception_refuses_instead_of_redirecting(rf):
    view = PlainView.as_view(raise_exception=True)

    with pytest.raises(PermissionDenied):
        view(request_for(rf, AnonymousUser()))


@pytest.mark.django_db
def test_a_signed_in_person_gets_in(rf):
    user = get_user_model().objects.create_user("listener")

    response = PlainView.as_view()(request_for(rf, user))

    assert response.content == b"inside"


@pytest.mark.django_db
def test_a_view_that_calls_spotify_sends_an_unconnected_login_to_connect(rf):
    user = get_user_model().objects.create_user("admin-with-password")

    response = ConnectedView.as_view()(request_for(rf, user))

    assert response.status_code == 302
    assert response["Location"].startswith("/auth/?next=")


@pytest.mark.django_db
def test_a_view_that_calls_spotify_lets_a_connected_person_in(rf, signed_in_client):
    user = get_user_model().objects.get()

    response = ConnectedView.as_view()(request_for(rf, user, signed_in_client.session))

    assert tokens.SESSION_KEY in signed_in_client.session
    assert response.content == b"inside"


@pytest.mark.django_db
def test_the_dashboard_home_uses_the_mixin(client):
    assert client.get("/")["Location"] == "/auth/?next=/"


@pytest.mark.parametrize(
    ("uri", "error_id"),
    [
        ("http://localhost:8000/auth/callback/", "spotify_auth.E002"),
        ("https://localhost/auth/callback/", "spotify_auth.E002"),
        ("http://music.example/auth/callback/", "spotify_auth.E003"),
        ("http://192.168.1.20:8000/auth/callback/", "spotify_auth.E003"),
        ("/auth/callback/", "spotify_auth.E001"),
        ("ftp://127.0.0.1/auth/callback/", "spotify_auth.E001"),
    ],
)
def test_the_redirect_uri_check_refuses(settings, uri, error_id):
    settings.SPOTIFY_REDIRECT_URI = uri

    assert [error.id for error in checks.check_redirect_uri()] == [error_id]


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:8000/auth/callback/",
        "http://[::1]:8000/auth/callback/",
        "https://music.example/auth/callback/",
    ],
)
def test_the_redirect_uri_check_accepts(settings, uri):
    settings.SPOTIFY_REDIRECT_URI = uri

    assert checks.check_redirect_uri() == []


def production(settings):
    settings.DEBUG = False
    settings.SPOTIFY_STANDIN = False
    settings.SPOTIFY_CLIENT_ID = "real-client-id"
    settings.SPOTIFY_CLIENT_SECRET = "real-client-secret"
    settings.SPOTIFY_ACCOUNTS_URL = "https://accounts.spotify.com"
    settings.SPOTIFY_API_URL = "https://api.spotify.com/v1"


def test_production_settings_pass_the_stand_in_check(settings):
    production(settings)

    assert checks.check_no_standin_in_production() == []
    assert checks.check_credentials() == []


@pytest.mark.parametrize(
    ("name", "value", "error_id"),
    [
        ("SPOTIFY_ACCOUNTS_URL", "http://127.0.0.1:8765", "spotify_auth.E004"),
        ("SPOTIFY_API_URL", "http://localhost:8765/v1", "spotify_auth.E004"),
        ("SPOTIFY_STANDIN", True, "spotify_auth.E005"),
        ("SPOTIFY_CLIENT_ID", checks.STANDIN_CLIENT_ID, "spotify_auth.E006"),
    ],
)
def test_the_stand_in_is_refused_with_debug_off(settings, name, value, error_id):
    production(settings)
    setattr(settings, name, value)

    assert [error.id for error in checks.check_no_standin_in_production()] == [error_id]


def test_the_stand_in_is_fine_with_debug_on(settings):
    settings.DEBUG = True
    settings.SPOTIFY_ACCOUNTS_URL = "http://127.0.0.1:8765"

    assert checks.check_no_standin_in_production() == []


def test_missing_credentials_are_a_deployment_warning(settings):
    production(settings)
    settings.SPOTIFY_CLIENT_SECRET = ""

    assert [error.id for error in checks.check_credentials()] == ["spotify_auth.W001"]
