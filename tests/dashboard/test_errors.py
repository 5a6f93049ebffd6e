"""Error pages in the site's style."""

import pytest
from django.test import Client, RequestFactory

from dashboard import errors

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])


def test_a_missing_page_gets_the_sites_404(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'href="/static/css/site.css"' in html or "site.css" in html


def test_a_csrf_failure_gets_a_sentence_and_a_403(demo_archive):
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post("/settings/snapshot/")

    assert response.status_code == 403
    assert "Form expired" in response.content.decode()


@pytest.mark.parametrize(
    ("handler", "status", "title"),
    [
        (errors.bad_request, 400, "Bad request"),
        (errors.permission_denied, 403, "Not allowed"),
        (errors.page_not_found, 404, "Page not found"),
    ],
)
def test_each_error_handler_renders_its_page(handler, status, title):
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    request.session = {}

    response = handler(request, Exception("detail that must not show"))

    assert response.status_code == status
    assert title in response.content.decode()
    assert "detail that must not show" not in response.content.decode()


def test_the_500_page_renders_without_touching_the_session():
    request = RequestFactory().get("/")

    response = errors.server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "Log out" not in html


@pytest.mark.parametrize(
    ("referer", "next_path"),
    [
        ("http://testserver/settings/?tab=1", "/settings/%3Ftab%3D1"),
        ("https://elsewhere.example/settings/", "/"),
        (None, "/"),
    ],
)
def test_a_form_posted_after_sign_in_lapsed_comes_back_to_its_page(
    demo_archive, referer, next_path
):
    """The action itself only takes POST; coming back to it would be a 405."""
    signed_out = Client(enforce_csrf_checks=True)
    signed_out.get("/auth/")
    token = signed_out.cookies["csrftoken"].value
    headers = {"HTTP_REFERER": referer} if referer else {}

    response = signed_out.post(
        "/settings/snapshot/", {"csrfmiddlewaretoken": token}, **headers
    )

    assert response.status_code == 302
    assert response["Location"] == f"/auth/?next={next_path}"
