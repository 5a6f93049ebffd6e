"""The project's settings, with a throwaway secret key for test runs."""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from mtm_site.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Playwright's sync API runs an event loop in the test thread; the Django ORM
# calls made by the same test are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Tests run without collectstatic, so no manifest of hashed names exists.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests talk plain HTTP to the test client and the live server.
SECURE_SSL_REDIRECT = False
# No collectstatic either: let WhiteNoise find files where they are, as in DEBUG.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# A real file rather than SQLite's shared in-memory database, whose table
# locks fail at once instead of waiting: concurrency tests need real locking.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"mtm-tests-{os.getpid()}.sqlite3")
    }
