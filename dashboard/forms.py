"""Forms for the dashboard's actions, and one-time form tokens.

A one-time token is issued into the session with the form and consumed when
the form is posted. Consuming is a `cache.add`, which only one of several
concurrent requests can win, so a double-clicked "Create playlist" creates
one playlist. The winner records its outcome under the token, so a duplicate
waits for it and shows the same result. The "shared" cache lives in Django's
database, so this holds across gunicorn workers and hosts too.
"""

import bisect
import secrets
import time

from django import forms
from django.core.cache import caches

from .playlists import NAME_MAX
from .snapshots import CLEAR_PHRASE

ONCE_KEY = "dashboard_once"
ONCE_KEEP = 20
ONCE_SECONDS = 60 * 60 * 24
OUTCOME_POLL = 0.1


def _shared():
    return caches["shared"]


def issue_token(session, purpose):
    """Return a new one-time token for `purpose`, remembered in the session."""
    token = secrets.token_urlsafe(24)
    issued = session.get(ONCE_KEY, {})
    issued[purpose] = [*issued.get(purpose, [])[-(ONCE_KEEP - 1) :], token]
    session[ONCE_KEY] = issued
    return token


def consume_token(session, purpose, token):
    """Return True for the one request that spends `token`, False for any
    other: unknown, spent before, or spent by a concurrent request."""
    issued = session.get(ONCE_KEY, {}).get(purpose, [])
    if not token or token not in issued:
        return False
    if not _shared().add(f"{ONCE_KEY}:{purpose}:{token}", True, ONCE_SECONDS):
        return False
    issued.remove(token)
    session.modified = True
    return True


def token_spent(purpose, token):
    return bool(token) and _shared().get(f"{ONCE_KEY}:{purpose}:{token}") is not None


def _outcome_key(purpose, owner, token):
    return f"{ONCE_KEY}:{purpose}:{owner}:{token}:outcome"


def record_outcome(purpose, owner, token, outcome):
    """Keep what the request that spent `token` achieved, for its duplicates."""
    _shared().set(_outcome_key(purpose, owner, token), outcome, ONCE_SECONDS)


def outcome(purpose, owner, token, wait=0.0):
    """Return the recorded outcome for `token`, waiting up to `wait` seconds
    for the request that spent it to finish; None if there is none yet."""
    deadline = time.monotonic() + wait
    while True:
        found = _shared().get(_outcome_key(purpose, owner, token))
        if found is not None or time.monotonic() >= deadline:
            return found
        time.sleep(OUTCOME_POLL)


class PlaylistForm(forms.Form):
    name = forms.CharField(
        label="Playlist name",
        max_length=NAME_MAX,
        error_messages={
            "required": "Give the playlist a name.",
            "max_length": f"Keep the name to {NAME_MAX} characters or fewer.",
        },
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the playlist a name.")
        return name


class ClearDataForm(forms.Form):
    confirm = forms.CharField(
        label=f"Type “{CLEAR_PHRASE}” to confirm",
        max_length=50,
        error_messages={"required": f"Type “{CLEAR_PHRASE}” to confirm."},
    )

    def clean_confirm(self):
        # Exactly the phrase, as for any irreversible step; the field has
        # already stripped the spaces around it.
        typed = self.cleaned_data["confirm"]
        if typed != CLEAR_PHRASE:
            raise forms.ValidationError(
                f"That does not match “{CLEAR_PHRASE}”, so nothing was cleared."
            )
        return typed


def snapshot_on_or_before(dates, day):
    """Return the latest snapshot date on or before `day`, or None."""
    index = bisect.bisect_right(dates, day)
    return dates[index - 1] if index else None


class SnapshotDateField(forms.DateField):
    """A date picker that answers with the snapshot on or before the date.

    A daily archive has thousands of snapshots, far too many for a list.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(
            *args,
            widget=forms.DateInput(attrs={"type": "date"}),
            error_messages={
                "required": "Pick a date.",
                "invalid": "Give a date as YYYY-MM-DD.",
            },
            **kwargs,
        )
        self.dates = []

    def set_dates(self, dates):
        self.dates = dates
        if dates:
            self.widget.attrs.update(min=dates[0], max=dates[-1])

    def clean(self, value):
        day = super().clean(value)
        if day is None:
            return None
        if not self.dates:
            raise forms.ValidationError("There are no snapshots yet.")
        snapshot = snapshot_on_or_before(self.dates, day.isoformat())
        if snapshot is None:
            raise forms.ValidationError(
                f"There is no snapshot on or before {day.isoformat()}; the first "
                f"is {self.dates[0]}."
            )
        return snapshot


class CompareForm(forms.Form):
    before = SnapshotDateField(label="From snapshot")
    after = SnapshotDateField(label="To snapshot")

    def __init__(self, *args, dates, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("before", "after"):
            self.fields[name].set_dates(dates)

    def clean(self):
        # Dates given the wrong way round still mean "from the earlier one".
        cleaned = super().clean()
        before, after = cleaned.get("before"), cleaned.get("after")
        if before and after and before > after:
            cleaned["before"], cleaned["after"] = after, before
        return cleaned


class TimeCapsuleForm(forms.Form):
    date = SnapshotDateField(label="Snapshot date")

    def __init__(self, *args, dates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].set_dates(dates)
