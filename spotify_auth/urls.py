from django.urls import path
from django.views.generic import TemplateView

app_name = "spotify_auth"

urlpatterns = [
    path(
        "",
        TemplateView.as_view(template_name="spotify_auth/landing.html"),
        name="landing",
    ),
]
