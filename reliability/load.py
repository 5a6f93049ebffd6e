"""A bounded load test of gunicorn on 127.0.0.1, with signed-in sessions,
while a second process writes snapshots into the archive.

    .venv/bin/python reliability/load.py [--seconds 20] [--clients 8]

It builds a throwaway site in a temporary folder (a demo archive, Django's
tables in SQLite, signed-in sessions holding unexpiring tokens), starts
gunicorn with two workers and DEBUG off, and then:

1. home only: every client asks for the home page as fast as it can;
2. mixed: home, analytics and track pages, while a writer process adds a
   snapshot to the archive every half second.

The load comes from wrk (Debian's package, installed here if missing), a C
client light enough to leave the two cores to gunicorn; gunicorn's sync
workers close every connection, so each request connects afresh. It prints
requests per second, p50/p95/p99 latency and the count of non-200 answers
and socket errors, and exits non-zero on any error. Nothing leaves 127.0.0.1:
the Spotify URLs point at a closed local port, and no page here calls them.
"""

import argparse
import datetime
import os
import random
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
WRK = "/usr/bin/wrk"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_environment(workdir, archive):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mtm_site.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies not Secure.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": f"sqlite:///{workdir / 'django.sqlite3'}",
        "MUSIC_DB_PATH": str(archive),
        "SPOTIFY_CLIENT_ID": "load-test",
        "SPOTIFY_CLIENT_SECRET": "load-test",
        "SPOTIFY_ACCOUNTS_URL": "http://127.0.0.1:9",
        "SPOTIFY_API_URL": "http://127.0.0.1:9/v1",
        "LOG_LEVEL": "WARNING",
    }


def prepare_site(workdir, sessions):
    """Write the archive and Django's tables; return (archive, session keys)."""
    sys.path.insert(0, str(ROOT))
    from dashboard import demo

    archive = workdir / "music_time_machine.db"
    demo.write(archive, "demo")
    os.environ.update(site_environment(workdir, archive))
    import django

    django.setup()
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from spotify_auth import tokens

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    keys = []
    for number in range(sessions):
        user = get_user_model().objects.create_user(f"listener-{number}")
        session = SessionStore()
        session[USER_SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        tokens.put(
            session,
            tokens.Tokens(
                access_token=secrets.token_urlsafe(32),
                refresh_token=secrets.token_urlsafe(32),
                expires_at=time.time() + 24 * 3600,
            ),
        )
        session.create()
        keys.append(session.session_key)
    return archive, keys


def track_paths(archive, count=20):
    connection = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT DISTINCT track_id FROM snapshots WHERE time_range = 'short_term' "
            "ORDER BY snapshot_date DESC LIMIT ?",
            [count],
        ).fetchall()
    finally:
        connection.close()
    return [f"/tracks/{track_id}/" for (track_id,) in rows]


def start_gunicorn(env, port):
    process = subprocess.Popen(
        [
            GUNICORN,
            "mtm_site.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start within 30 s")


def ensure_wrk():
    if Path(WRK).exists():
        return
    if os.geteuid() != 0:
        raise SystemExit("wrk is needed: sudo apt-get install wrk")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def writer(archive, seconds):
    """Add one snapshot (50 rows in each time range) every half second."""
    connection = sqlite3.connect(archive, timeout=5)
    track_ids = [row[0] for row in connection.execute("SELECT track_id FROM tracks")]
    latest = connection.execute("SELECT MAX(snapshot_date) FROM snapshots")
    day = datetime.date.fromisoformat(latest.fetchone()[0])
    written = 0
    deadline = time.monotonic() + seconds
    rng = random.Random(7)
    while time.monotonic() < deadline:
        day += datetime.timedelta(days=1)
        with connection:
            for time_range in ("short_term", "medium_term", "long_term"):
                chosen = rng.sample(track_ids, 50)
                connection.executemany(
                    "INSERT INTO snapshots VALUES (?, ?, ?, ?)",
                    [
                        (track, day.isoformat(), time_range, rank)
                        for rank, track in enumerate(chosen, 1)
                    ],
                )
        written += 1
        time.sleep(0.5)
    connection.close()
    print(f"writer: {written} snapshots added", flush=True)


WRK_SCRIPT = """
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("number", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  not_ok = 0
end

function request()
  sent = sent + 1
  local path = paths[(sent + number) %% #paths + 1]
  local cookie = "sessionid=" .. cookies[number %% #cookies + 1]
  return wrk.format("GET", path, {["Cookie"] = cookie})
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local not_ok = 0
  for _, thread in ipairs(threads) do
    not_ok = not_ok + thread:get("not_ok")
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT %%d %%d %%d %%d %%.2f %%.2f %%.2f\\n",
    summary.requests, summary.duration, not_ok,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def hammer(port, sessions, paths, seconds, clients, workdir):
    """Run wrk for `seconds` with `clients` connections; return its figures."""
    script = workdir / "load.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "paths": ", ".join(f'"{path}"' for path in paths),
            "cookies": ", ".join(f'"{key}"' for key in sessions),
        }
    )
    result = subprocess.run(
        [
            WRK,
            "--threads",
            "1",
            "--connections",
            str(clients),
            "--duration",
            f"{seconds:.0f}s",
            "--timeout",
            "10s",
            "--script",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    line = next(row for row in result.stdout.splitlines() if row.startswith("RESULT"))
    requests, micros, not_ok, socket_errors, p50, p95, p99 = line.split()[1:]
    return {
        "requests": int(requests),
        "seconds": int(micros) / 1e6,
        "not_ok": int(not_ok),
        "socket_errors": int(socket_errors),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
    }


def report(name, figures):
    errors = figures["not_ok"] + figures["socket_errors"]
    print(
        f"{name}: {figures['requests']} requests in {figures['seconds']:.1f} s = "
        f"{figures['requests'] / figures['seconds']:.0f}/s; "
        f"p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
        f"p99 {figures['p99']:.1f} ms; errors {errors} "
        f"({figures['not_ok']} not 200, {figures['socket_errors']} socket)",
        flush=True,
    )
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.writer:
        writer(options.writer, options.seconds)
        return

    ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="mtm-load-") as folder:
        workdir = Path(folder)
        archive, sessions = prepare_site(workdir, sessions=options.clients)
        env = site_environment(workdir, archive)
        env["SECRET_KEY"] = os.environ["SECRET_KEY"]
        port = free_port()
        server = start_gunicorn(env, port)
        try:
            # Warm both workers' caches first.
            hammer(port, sessions, ["/"], 2, options.clients, workdir)
            errors = report(
                "home only",
                hammer(
                    port, sessions, ["/"], options.seconds, options.clients, workdir
                ),
            )
            paths = ["/", "/", "/analytics/", *track_paths(archive)]
            write = subprocess.Popen(
                [
                    PYTHON,
                    __file__,
                    "--writer",
                    str(archive),
                    "--seconds",
                    str(options.seconds),
                ]
            )
            errors += report(
                "mixed, with a writer",
                hammer(
                    port, sessions, paths, options.seconds, options.clients, workdir
                ),
            )
            write.wait(timeout=options.seconds + 30)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
