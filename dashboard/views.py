from django.views.generic import TemplateView

from spotify_auth.mixins import SpotifyLoginRequiredMixin

from . import figures


class HomeView(SpotifyLoginRequiredMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(figures=figures.home(), **kwargs)
