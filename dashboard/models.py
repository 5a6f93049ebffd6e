"""The snapshot program's two tables, mapped as they are and never migrated.

Dates stay text ('YYYY-MM-DD') exactly as the snapshot program writes them,
so a malformed value is shown as it is rather than failing a conversion.
"""

from django.db import models


class TimeRange(models.TextChoices):
    SHORT = "short_term", "Last 4 weeks"
    MEDIUM = "medium_term", "Last 6 months"
    LONG = "long_term", "All time"


class Track(models.Model):
    # The snapshot program stores NULL in the optional columns, so these text
    # fields are nullable (DJ001 would have them as empty strings).
    track_id = models.TextField(primary_key=True)
    name = models.TextField()
    artist_name = models.TextField("artist")
    album_name = models.TextField("album", null=True, blank=True)  # noqa: DJ001
    duration_ms = models.IntegerField(null=True, blank=True)
    spotify_url = models.TextField("Spotify link", null=True, blank=True)  # noqa: DJ001
    raw_json = models.TextField(null=True, blank=True)  # noqa: DJ001

    class Meta:
        managed = False
        db_table = "tracks"
        ordering = ["name", "track_id"]

    def __str__(self):
        return f"{self.name} by {self.artist_name}"


class Snapshot(models.Model):
    pk = models.CompositePrimaryKey("track_id", "snapshot_date", "time_range")
    track = models.ForeignKey(
        Track,
        on_delete=models.DO_NOTHING,
        db_column="track_id",
        db_constraint=False,
        related_name="snapshots",
    )
    snapshot_date = models.TextField("date")
    time_range = models.TextField(choices=TimeRange.choices)
    rank = models.IntegerField()

    class Meta:
        managed = False
        db_table = "snapshots"
        ordering = ["-snapshot_date", "time_range", "rank"]

    def __str__(self):
        return f"#{self.rank} on {self.snapshot_date} ({self.time_range})"
