"""The dashboard's pages and actions: parse input, call, render.

Figures come from `figures` and `playlists`, writes go through `snapshots`,
and Spotify is reached through `spotify_auth`. Every action that changes
something is a POST that redirects, and tells the person what happened in
one sentence.
"""

import csv
import logging

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from spotify_auth import client, tokens
from spotify_auth.mixins import SpotifyLoginRequiredMixin

from . import archive, errors, figures, playlists, snapshots
from .forms import (
    ClearDataForm,
    CompareForm,
    PlaylistForm,
    TimeCapsuleForm,
    consume_token,
    issue_token,
    outcome,
    record_outcome,
    token_spent,
)
from .models import TimeRange

logger = logging.getLogger(__name__)

PLAYLIST_PURPOSE = "playlist"
RANGE_LABELS = dict(TimeRange.choices)


def forget_revoked(request, error):
    """Drop tokens Spotify no longer accepts, so the pages offer to connect
    again instead of failing the same way on every try."""
    if isinstance(error, client.Revoked):
        tokens.clear(request.session)


class ArchiveOwnerRequiredMixin(SpotifyLoginRequiredMixin):
    """Let only the archive's owners, the staff named in SPOTIFY_ADMIN_USERS,
    write to it: a guest's snapshot would mix their taste into the archive."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff:
            return errors.not_the_owner(request)
        return super().dispatch(request, *args, **kwargs)


def chart(kind, labels, series, y_label, x_label=""):
    """Return the data a static script needs to draw one chart."""
    return {
        "kind": kind,
        "labels": list(labels),
        "series": [{"label": label, "data": list(data)} for label, data in series],
        "yLabel": y_label,
        "xLabel": x_label,
    }


def spotify_sentence(error):
    """Return the sentence for a Spotify failure, with the pause if known."""
    if isinstance(error, client.RateLimited) and error.retry_after:
        seconds = max(1, round(error.retry_after))
        return (
            f"Spotify is limiting requests from this app; try again in "
            f"{seconds} second{'s' if seconds != 1 else ''}."
        )
    return error.sentence


class HomeView(SpotifyLoginRequiredMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        home = figures.home()
        discoveries = chart(
            "bar",
            [label for label, _ in home.discoveries],
            [("New tracks", [count for _, count in home.discoveries])],
            "New tracks",
        )
        return super().get_context_data(
            figures=home, discoveries_chart=discoveries, **kwargs
        )


class AnalyticsView(SpotifyLoginRequiredMixin, TemplateView):
    template_name = "dashboard/analytics.html"

    def get_context_data(self, **kwargs):
        code = figures.parse_range(self.request.GET.get("range", ""))
        data = figures.analytics(code)
        growth = chart(
            "line",
            [label for label, _, _ in data.growth],
            [("Tracks discovered so far", [total for _, _, total in data.growth])],
            "Tracks",
        )
        diversity = chart(
            "line",
            [day for day, _ in data.diversity],
            [("Distinct artists", [count for _, count in data.diversity])],
            "Artists",
        )
        return super().get_context_data(
            figures=data,
            ranges=figures.RANGE_LABELS,
            range_label=figures.RANGE_LABELS[code],
            growth_chart=growth,
            diversity_chart=diversity,
            **kwargs,
        )


class PlaylistsView(SpotifyLoginRequiredMixin, TemplateView):
    template_name = "dashboard/playlists.html"

    def get_context_data(self, **kwargs):
        dates = figures.dates()
        sources = [
            (source, None if source.dated else playlists.select(code))
            for code, source in playlists.SOURCES.items()
        ]
        return super().get_context_data(
            sources=sources,
            capsule_form=TimeCapsuleForm(dates=dates) if dates else None,
            latest=dates[-1] if dates else None,
            **kwargs,
        )


class PlaylistPreviewView(SpotifyLoginRequiredMixin, View):
    """Show the tracks a source would use; on POST, create the playlist."""

    template_name = "dashboard/playlist_preview.html"

    def selection(self, source, date):
        if source not in playlists.SOURCES:
            raise Http404("No such playlist source.")
        return playlists.select(source, date)

    def get(self, request, source):
        capsule, date = None, None
        if source in playlists.SOURCES and playlists.SOURCES[source].dated:
            data = request.GET if "date" in request.GET else None
            capsule = TimeCapsuleForm(data, dates=figures.dates())
            date = capsule.cleaned_data["date"] if capsule.is_valid() else None
        selection = self.selection(source, date)
        form = PlaylistForm(
            initial={
                "name": selection.default_name(timezone.localdate()),
                "token": issue_token(request.session, PLAYLIST_PURPOSE),
            }
        )
        return self.render(selection, form, capsule=capsule)

    def post(self, request, source):
        selection = self.selection(source, request.POST.get("date"))
        form = PlaylistForm(request.POST)
        if not form.is_valid():
            return self.render(selection, form, status=400)
        if not selection.addable:
            messages.error(request, "There are no tracks to put in this playlist.")
            return self.render(selection, form, status=400)

        token = form.cleaned_data["token"]
        if not consume_token(request.session, PLAYLIST_PURPOSE, token):
            return self.already_sent(request, selection, form, token)
        result = self.publish(selection, form.cleaned_data["name"])
        record_outcome(PLAYLIST_PURPOSE, request.user.pk, token, result)
        return self.respond(result, selection, form, token)

    def publish(self, selection, name):
        """Make the playlist; return the outcome `respond` shows."""
        if not tokens.connected(self.request):
            failed = "Connect Spotify first to create playlists."
            return {"failed": failed, "status": 400}
        try:
            published = playlists.publish(
                tokens.access_token(self.request),
                name,
                f"{selection.source.label}, made by Music Time Machine.",
                [track.uri for track in selection.addable],
            )
        except playlists.PartlyPublished as partial:
            forget_revoked(self.request, partial.error)
            return _made(partial.published, spotify_sentence(partial.error))
        except client.SpotifyError as error:
            forget_revoked(self.request, error)
            failed = f"{spotify_sentence(error)} No playlist was made."
            return {"failed": failed, "status": 502}
        return _made(published, "")

    def respond(self, result, selection, form, token):
        if result.get("failed"):
            messages.error(self.request, result["failed"])
            response = self.render(selection, self.fresh(form), status=result["status"])
            # Django's session middleware saves nothing on a 5xx answer, which
            # would lose the fresh form token and any dropped Spotify grant.
            if response.status_code >= 500 and self.request.session.modified:
                self.request.session.save()
            return response
        return redirect("dashboard:playlist_created", token=token)

    def already_sent(self, request, selection, form, token):
        if not token_spent(PLAYLIST_PURPOSE, token):
            messages.error(
                request,
                "This form had expired, so nothing was made. Check the name and "
                "press Create playlist again.",
            )
            return self.render(selection, self.fresh(form), status=400)
        # A double click: wait for the first request and show its result.
        wait = settings.SPOTIFY_TIMEOUT * 2
        result = outcome(PLAYLIST_PURPOSE, request.user.pk, token, wait=wait)
        if result is None:
            messages.info(
                request,
                "This form was already sent and the playlist is still being "
                "made. It will appear in your Spotify library in a moment.",
            )
            return redirect("dashboard:playlists")
        return self.respond(result, selection, form, token)

    def fresh(self, form):
        """Return the form again with a new one-time token."""
        data = form.data.copy()
        data["token"] = issue_token(self.request.session, PLAYLIST_PURPOSE)
        return PlaylistForm(data)

    def render(self, selection, form, status=200, capsule=None):
        if selection.source.dated and capsule is None:
            initial = {"date": selection.date} if selection.date else None
            capsule = TimeCapsuleForm(initial=initial, dates=figures.dates())
        context = {
            "selection": selection,
            "form": form,
            "capsule_form": capsule,
            "asked_date": self.request.GET.get("date", ""),
            "gems": selection.source.code == "forgotten-gems",
            "connected": tokens.connected(self.request),
        }
        return render(self.request, self.template_name, context, status=status)


def _made(published, problem):
    return {
        "name": published.name,
        "url": published.url,
        "added": published.added,
        "problem": problem,
    }


class PlaylistCreatedView(SpotifyLoginRequiredMixin, TemplateView):
    template_name = "dashboard/playlist_created.html"

    def get_context_data(self, **kwargs):
        result = outcome(PLAYLIST_PURPOSE, self.request.user.pk, kwargs["token"])
        if result is None or result.get("failed"):
            raise Http404("No playlist was made with this form.")
        return super().get_context_data(result=result, **kwargs)


class SettingsView(SpotifyLoginRequiredMixin, TemplateView):
    template_name = "dashboard/settings.html"

    def get_context_data(self, **kwargs):
        # The settings page stays usable with a broken or missing archive:
        # taking a snapshot is how a missing one gets created.
        status, problem = None, None
        try:
            status = figures.archive_status()
        except archive.ArchiveError as error:
            problem = error
        return super().get_context_data(
            connected=tokens.connected(self.request),
            status=status,
            problem=problem,
            archive_path=archive.path(),
            file_size=archive.file_size(),
            clear_phrase=snapshots.CLEAR_PHRASE,
            **kwargs,
        )


def snapshot_summary(report):
    """Return one or two sentences saying what a snapshot changed."""
    if not report.changed:
        if report.already_there:
            return (
                f"Today's snapshot ({report.date}) was already saved, so "
                "nothing changed."
            )
        return "Spotify has no top tracks for this account yet; nothing was saved."
    rows = sum(report.rows_added.values())
    parts = [f"Saved the snapshot of {report.date}: {rows} rows"]
    parts.append(
        f"{report.new_tracks} new track{'s' if report.new_tracks != 1 else ''} "
        "in the catalogue"
    )
    if report.updated_tracks:
        parts.append(f"{report.updated_tracks} with updated details")
    sentence = ", ".join(parts) + "."
    if report.entered is not None:
        sentence += (
            f" {report.entered} of your four-week top 50 were not in it on "
            f"{report.previous}."
        )
    if report.created_archive:
        sentence += " The archive file was created for this first snapshot."
    return sentence


class TakeSnapshotView(ArchiveOwnerRequiredMixin, View):
    def post(self, request):
        if not tokens.connected(request):
            messages.error(request, "Connect Spotify first to take a snapshot.")
            return redirect("dashboard:settings")
        try:
            report = snapshots.take(tokens.access_token(request))
        except client.SpotifyError as error:
            forget_revoked(request, error)
            messages.error(
                request, f"{spotify_sentence(error)} Nothing was saved to the archive."
            )
        except archive.ArchiveError as problem:
            messages.error(request, problem.message)
        else:
            messages.success(request, snapshot_summary(report))
        return redirect("dashboard:settings")


class DownloadArchiveView(SpotifyLoginRequiredMixin, View):
    def post(self, request):
        try:
            copy, filename = snapshots.download_copy()
        except archive.ArchiveError as problem:
            messages.error(request, problem.message)
            return redirect("dashboard:settings")
        return FileResponse(
            copy,
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.sqlite3",
        )


class DisconnectView(SpotifyLoginRequiredMixin, View):
    def post(self, request):
        tokens.clear(request.session)
        messages.success(
            request,
            "Spotify is disconnected: this site holds no Spotify tokens for you "
            "now. Your archive was not touched.",
        )
        return redirect("dashboard:settings")


class ClearDataView(ArchiveOwnerRequiredMixin, View):
    template_name = "dashboard/clear.html"

    def get(self, request):
        return self.render(ClearDataForm())

    def post(self, request):
        form = ClearDataForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            report = snapshots.clear()
        except archive.ArchiveError as problem:
            messages.error(request, problem.message)
            return self.render(ClearDataForm(), status=503)
        if report.backup is None:
            messages.info(request, "The archive was already empty; nothing changed.")
        else:
            messages.success(
                request,
                f"Cleared {report.tracks} tracks and {report.snapshot_rows} "
                f"snapshot rows. A copy of everything was saved first as "
                f"{report.backup}.",
            )
        return redirect("dashboard:settings")

    def render(self, form, status=200):
        status_figures = None
        try:
            status_figures = figures.archive_status()
        except archive.ArchiveError as problem:
            messages.error(self.request, problem.message)
        context = {
            "form": form,
            "status": status_figures,
            "archive_path": archive.path(),
            "clear_phrase": snapshots.CLEAR_PHRASE,
        }
        return render(self.request, self.template_name, context, status=status)


class TrackView(SpotifyLoginRequiredMixin, TemplateView):
    template_name = "dashboard/track.html"

    def get_context_data(self, **kwargs):
        history = figures.track_history(kwargs["track_id"])
        if history is None:
            raise Http404("No such track in the archive.")
        rank_chart = chart(
            "rank",
            history.labels,
            [
                (RANGE_LABELS[time_range], ranks)
                for time_range, ranks in history.ranks.items()
            ],
            "Rank",
        )
        return super().get_context_data(
            history=history,
            track=history.track,
            rank_chart=rank_chart,
            range_labels=RANGE_LABELS,
            # The rank table of a long-lived track runs to thousands of rows;
            # the template caches it until the archive changes.
            archive_marker=archive.change_marker(),
            **kwargs,
        )


class CompareView(SpotifyLoginRequiredMixin, TemplateView):
    template_name = "dashboard/compare.html"

    def get_context_data(self, **kwargs):
        dates = figures.dates()
        context = {"dates": dates, "form": None, "comparison": None}
        if len(dates) < 2:
            return super().get_context_data(**context, **kwargs)

        data = self.request.GET
        if "before" not in data and "after" not in data:
            data = {"before": dates[-2], "after": dates[-1]}
        form = CompareForm(data, dates=dates)
        context["form"] = form
        if form.is_valid():
            context["comparison"] = figures.compare(
                form.cleaned_data["before"], form.cleaned_data["after"]
            )
        return super().get_context_data(**context, **kwargs)


# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Return a CSV cell that a spreadsheet shows as text, never runs."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class _Echo:
    def write(self, value):
        return value


class SnapshotsCsvView(SpotifyLoginRequiredMixin, View):
    header = ["snapshot_date", "time_range", "rank", "track_id", "name", "artist"]

    def get(self, request):
        archive.ensure_sound()
        writer = csv.writer(_Echo())

        def lines():
            yield writer.writerow(self.header)
            try:
                for row in snapshots.export_rows():
                    yield writer.writerow([spreadsheet_safe(cell) for cell in row])
            except archive.ArchiveError as problem:
                # The status line is sent, so the last row has to say it.
                logger.warning("CSV export stopped: %s", problem.kind)
                yield writer.writerow([f"The export stopped early. {problem.message}"])

        filename = f"snapshots-{timezone.localdate().isoformat()}.csv"
        return StreamingHttpResponse(
            lines(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
