"""Landing page, sign-in start and callback, and sign-out."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login, logout
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from . import accounts, client, flow, tokens

logger = logging.getLogger(__name__)


def allow_connect(response):
    """Let the "Connect Spotify" form on `response` lead to Spotify's accounts
    origin, and return the response.

    Browsers apply form-action to the redirect after the form is sent. This
    sets what Django's `csp_override` decorator sets; the decorator cannot be
    used because the origin is a setting read per request, not at import.
    """
    policy = dict(settings.SECURE_CSP)
    parts = urlsplit(settings.SPOTIFY_ACCOUNTS_URL)
    policy["form-action"] = [
        *policy.get("form-action", ["'self'"]),
        f"{parts.scheme}://{parts.netloc}",
    ]
    response._csp_config = policy
    return response


def safe_next(request, candidate):
    """Return `candidate` if it is a path on this site, else an empty string."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return candidate
    return ""


def problem(request, title, sentence, status):
    response = render(
        request,
        "spotify_auth/problem.html",
        {"title": title, "sentence": sentence},
        status=status,
    )
    return allow_connect(response)


class LandingView(TemplateView):
    template_name = "spotify_auth/landing.html"

    def get_context_data(self, **kwargs):
        request = self.request
        return super().get_context_data(
            connected=tokens.connected(request),
            next_url=safe_next(request, request.GET.get(REDIRECT_FIELD_NAME, "")),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return allow_connect(response)


class StartView(View):
    http_method_names = ["post"]

    def post(self, request):
        next_url = safe_next(request, request.POST.get(REDIRECT_FIELD_NAME, ""))
        return redirect(flow.begin(request.session, next_url))


class CallbackView(View):
    http_method_names = ["get"]

    def get(self, request):
        try:
            pending = flow.finish(request.session, request.GET.getlist("state"))
        except flow.Refused as refusal:
            logger.info("Sign-in callback refused: state check failed")
            return problem(request, "Sign-in refused", refusal.sentence, 400)

        error = request.GET.get("error")
        if error == "access_denied":
            return self._cancelled(request)
        if error:
            logger.info("Spotify sent the sign-in back with an error")
            return problem(
                request,
                "Sign-in failed",
                "Spotify could not complete the sign-in. Try again.",
                400,
            )
        code = request.GET.get("code")
        if not code:
            return problem(
                request,
                "Sign-in refused",
                "Spotify's reply carried no authorization code, so nobody was "
                "signed in. Start again from Connect Spotify.",
                400,
            )

        try:
            reply = client.exchange_code(code, pending.verifier)
            profile = client.me(reply.access_token)
            user = accounts.user_for(profile)
        except accounts.NotAllowed as refusal:
            logger.info("Sign-in refused for a Spotify account off the guest list")
            return problem(request, "Not on the guest list", refusal.sentence, 403)
        except client.SpotifyError as failure:
            logger.warning("Sign-in failed: %s", type(failure).__name__)
            return problem(request, "Sign-in failed", _sentence(failure), 502)

        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        tokens.put(request.session, tokens.Tokens.from_reply(reply))
        next_url = safe_next(request, pending.next_url)
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))

    def _cancelled(self, request):
        response = render(request, "spotify_auth/cancelled.html")
        return allow_connect(response)


class LogoutView(View):
    http_method_names = ["post"]

    def post(self, request):
        logout(request)
        messages.info(request, "You have signed out.")
        return redirect("spotify_auth:landing")


def _sentence(failure):
    if isinstance(failure, client.Revoked):
        # At the callback this means the code was spent or timed out.
        return (
            "Spotify did not accept this sign-in, perhaps because it was "
            "already used. Start again from Connect Spotify."
        )
    return failure.sentence
