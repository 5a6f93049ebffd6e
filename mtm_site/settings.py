"""Settings for Music Time Machine, read from the environment once.

Every variable is listed, with a comment, in `.env.example`. A `.env` file
beside `manage.py` is loaded first; real environment variables win over it.
"""

from pathlib import Path
from urllib.parse import quote

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

load_dotenv(BASE_DIR / ".env", override=False)
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# The example file's placeholder, so a copied .env is not taken as a real key.
_PLACEHOLDER_KEY = "change-me"
_DEV_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not DEBUG and (
    len(SECRET_KEY) < 50
    or SECRET_KEY.startswith(("django-insecure", _PLACEHOLDER_KEY))
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing, a placeholder or shorter than 50 characters. "
        "With DEBUG off, set SECRET_KEY in .env or the environment to a random "
        "value, for example the output of: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
SECRET_KEY = SECRET_KEY or _DEV_KEY

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "dashboard",
    "spotify_auth",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves compressed, hashed static files from gunicorn with no other server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "spotify_auth.middleware.TokenRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dashboard.middleware.ArchiveErrorMiddleware",
]

ROOT_URLCONF = "mtm_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "mtm_site.wsgi.application"

# The archive written by the snapshot program. It is opened read-only
# (mode=ro), so reading can never create, alter or lock it for writing.
MUSIC_DB_PATH = Path(env.str("MUSIC_DB_PATH", default="music_time_machine.db"))
if not MUSIC_DB_PATH.is_absolute():
    MUSIC_DB_PATH = BASE_DIR / MUSIC_DB_PATH
# Where scripts/serve writes a demo archive when no real one is configured.
DEMO_ARCHIVE_PATH = BASE_DIR / "var" / "demo_archive.db"
# Seconds a read waits for another program's write lock before giving up.
ARCHIVE_BUSY_TIMEOUT = env.float("ARCHIVE_BUSY_TIMEOUT", default=2.0)


def archive_database(path, timeout=ARCHIVE_BUSY_TIMEOUT):
    """Return the DATABASES entry that opens the archive at `path` read-only."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": f"file:{quote(str(path))}?mode=ro",
        "OPTIONS": {"timeout": timeout},
        "TEST": {"MIGRATE": False},
    }


DATABASES = {
    # Django's own tables: sessions, users, admin log.
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    "archive": archive_database(MUSIC_DB_PATH),
}
# Keep connections to Django's own database between requests; the archive's
# is opened afresh each request, so a replaced or deleted file is noticed.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["mtm_site.routers.ArchiveRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Chart.js, installed from the npm registry by the set-up script.
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CACHES = {
    # Figures, per process: each worker recomputes once after the archive
    # changes, and nothing here needs to agree across workers.
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "mtm",
    },
    # One-time form tokens, which must be spent once across all workers and
    # hosts: a table in Django's own database (manage.py createcachetable).
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "mtm_shared_cache",
    },
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "dashboard.errors.csrf_failure"

# HTTPS. With DEBUG off the site expects to be served over HTTPS: plain HTTP
# is redirected, cookies are Secure and browsers are told to remember (HSTS).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool(
    "SECURE_COOKIES", default=not DEBUG
)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = env.bool(
    "SECURE_HSTS_PRELOAD", default=not DEBUG
)
# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto
# and X-Forwarded-Host. Only turn this on when the proxy sets both headers.
if env.bool("TRUST_PROXY_HEADERS", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Spotify. With no client id and DEBUG on, a local stand-in plays Spotify.
SPOTIFY_CLIENT_ID = env.str("SPOTIFY_CLIENT_ID", default="")
SPOTIFY_CLIENT_SECRET = env.str("SPOTIFY_CLIENT_SECRET", default="")
SPOTIFY_STANDIN = DEBUG and not SPOTIFY_CLIENT_ID
SPOTIFY_STANDIN_PORT = env.int("SPOTIFY_STANDIN_PORT", default=8765)
_standin_url = f"http://127.0.0.1:{SPOTIFY_STANDIN_PORT}"
if SPOTIFY_STANDIN:
    SPOTIFY_CLIENT_ID = "standin-client-id"
    SPOTIFY_CLIENT_SECRET = "standin-client-secret"  # noqa: S105
SPOTIFY_REDIRECT_URI = env.str(
    "SPOTIFY_REDIRECT_URI", default="http://127.0.0.1:8000/auth/callback/"
)
SPOTIFY_ACCOUNTS_URL = env.str(
    "SPOTIFY_ACCOUNTS_URL",
    default=_standin_url if SPOTIFY_STANDIN else "https://accounts.spotify.com",
)
SPOTIFY_API_URL = env.str(
    "SPOTIFY_API_URL",
    default=f"{_standin_url}/v1" if SPOTIFY_STANDIN else "https://api.spotify.com/v1",
)
SPOTIFY_ALLOWED_USERS = env.list("SPOTIFY_ALLOWED_USERS", default=[])
SPOTIFY_ADMIN_USERS = env.list("SPOTIFY_ADMIN_USERS", default=[])
if SPOTIFY_STANDIN and not SPOTIFY_ADMIN_USERS:
    # The stand-in's only listener is the demo's admin, even when .env has
    # an empty SPOTIFY_ADMIN_USERS= line copied from .env.example.
    SPOTIFY_ADMIN_USERS = ["demo-listener"]
SPOTIFY_TIMEOUT = env.float("SPOTIFY_TIMEOUT", default=10.0)

LOGIN_URL = "spotify_auth:landing"
LOGIN_REDIRECT_URL = "dashboard:home"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {"redact": {"()": "mtm_site.logfilters.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler would print each record a second
        # time, unredacted: send Django's records through this one only.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # runserver's access log: through the same redacting handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # runserver prints this line itself; once is enough.
        "django.utils.autoreload": {"level": "WARNING"},
    },
}
