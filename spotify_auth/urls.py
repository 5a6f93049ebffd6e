from django.urls import path

from . import views

app_name = "spotify_auth"

urlpatterns = [
    path("", views.LandingView.as_view(), name="landing"),
    path("start/", views.StartView.as_view(), name="start"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
