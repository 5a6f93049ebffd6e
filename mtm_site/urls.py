from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request):
    """Send browsers that ask for /favicon.ico, such as on plain-text replies
    that name no icon, to the site's own."""
    return redirect(static("img/favicon.svg"), permanent=True)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("auth/", include("spotify_auth.urls")),
    path("", include("dashboard.urls")),
    path("favicon.ico", favicon),
]

handler400 = "dashboard.errors.bad_request"
handler403 = "dashboard.errors.permission_denied"
handler404 = "dashboard.errors.page_not_found"
handler500 = "dashboard.errors.server_error"
