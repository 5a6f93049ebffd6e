"""A read-only admin over the archive's tracks and their snapshots.

Nothing can be added, changed or deleted here: the archive belongs to the
snapshot program. Each changelist page reads the snapshot count and best rank
for its own tracks only (figures.track_stats, cached per track), so paging
does not grow with the archive.
"""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Exists, OuterRef
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html

from . import figures
from .models import Snapshot, TimeRange, Track
from .templatetags.dashboard import duration, spotify_url, track_url

INLINE_LIMIT = 500

admin.site.site_header = "Music Time Machine admin"
admin.site.site_title = "Music Time Machine admin"
admin.site.index_title = "The archive and who may sign in"


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LatestSnapshotsFormSet(BaseInlineFormSet):
    """Show the newest snapshots only: a daily archive can hold thousands
    per track, and the page has to stay readable and quick."""

    def get_queryset(self):
        if not hasattr(self, "_limited"):
            self._limited = super().get_queryset()[:INLINE_LIMIT]
        return self._limited


class SnapshotInline(ReadOnlyMixin, admin.TabularInline):
    model = Snapshot
    formset = LatestSnapshotsFormSet
    fields = ["snapshot_date", "time_range", "rank"]
    readonly_fields = fields
    ordering = ["-snapshot_date", "time_range"]
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = f"Snapshots (newest {INLINE_LIMIT} at most)"


def _appears(**conditions):
    """Return an EXISTS test that seeks each track in the primary key index,
    which beats building the whole IN (...) list on a large archive."""
    return Exists(Snapshot.objects.filter(track=OuterRef("pk"), **conditions))


class TimeRangeFilter(admin.SimpleListFilter):
    title = "time range"
    parameter_name = "time_range"

    def lookups(self, request, model_admin):
        return TimeRange.choices

    def queryset(self, request, queryset):
        if self.value() not in TimeRange.values:
            return queryset
        return queryset.filter(_appears(time_range=self.value()))


class SnapshotDateFilter(admin.SimpleListFilter):
    """Tracks seen in a given year of snapshots; the newest years first."""

    title = "snapshot year"
    parameter_name = "snapshot_year"

    def lookups(self, request, model_admin):
        oldest, newest = figures.date_span()
        if not newest or not oldest:
            return []
        try:
            span = range(int(newest[:4]), int(oldest[:4]) - 1, -1)
        except ValueError:
            return []
        return [(str(year), str(year)) for year in span]

    def queryset(self, request, queryset):
        year = self.value()
        if not year or not year.isdigit() or len(year) != 4:
            return queryset
        return queryset.filter(
            _appears(
                snapshot_date__gte=f"{year}-01-01",
                snapshot_date__lte=f"{year}-12-31",
            )
        )


class PageStatsChangeList(ChangeList):
    """Attach snapshot count and best rank to the tracks of this page only."""

    def get_results(self, request):
        super().get_results(request)
        stats = figures.track_stats([track.track_id for track in self.result_list])
        for track in self.result_list:
            if track.track_id in stats:
                track.appearances, track.best = stats[track.track_id]


@admin.register(Track)
class TrackAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "artist_name", "album_name", "appearances", "best_rank"]
    list_display_links = ["name"]
    search_fields = ["name", "artist_name", "album_name"]
    list_filter = [TimeRangeFilter, SnapshotDateFilter]
    list_per_page = 50
    show_full_result_count = False
    inlines = [SnapshotInline]
    fields = [
        "track_id",
        "name",
        "artist_name",
        "album_name",
        "length",
        "spotify_link",
        "dashboard_link",
    ]
    readonly_fields = fields

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_changelist(self, request, **kwargs):
        return PageStatsChangeList

    @admin.display(description="snapshots")
    def appearances(self, track):
        return getattr(track, "appearances", 0)

    @admin.display(description="best rank")
    def best_rank(self, track):
        return getattr(track, "best", None) or "–"

    @admin.display(description="length")
    def length(self, track):
        return duration(track.duration_ms) or "–"

    @admin.display(description="Spotify")
    def spotify_link(self, track):
        url = spotify_url(track.spotify_url)
        if not url:
            return "–"
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">Open in '
            "Spotify</a>",
            url,
        )

    @admin.display(description="dashboard")
    def dashboard_link(self, track):
        url = track_url(track.track_id)
        if not url:
            return "–"
        return format_html('<a href="{}">Its rank history</a>', url)

    def get_list_display(self, request):
        return [*self.list_display, "spotify_link"]
