from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("analytics/", views.AnalyticsView.as_view(), name="analytics"),
    path("playlists/", views.PlaylistsView.as_view(), name="playlists"),
    path(
        "playlists/made/<str:token>/",
        views.PlaylistCreatedView.as_view(),
        name="playlist_created",
    ),
    path(
        "playlists/<slug:source>/",
        views.PlaylistPreviewView.as_view(),
        name="playlist_preview",
    ),
    path("tracks/<path:track_id>/", views.TrackView.as_view(), name="track"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("snapshots.csv", views.SnapshotsCsvView.as_view(), name="snapshots_csv"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("settings/snapshot/", views.TakeSnapshotView.as_view(), name="take_snapshot"),
    path("settings/download/", views.DownloadArchiveView.as_view(), name="download"),
    path("settings/disconnect/", views.DisconnectView.as_view(), name="disconnect"),
    path("settings/clear/", views.ClearDataView.as_view(), name="clear"),
]
