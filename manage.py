#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mtm_site.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    except ImproperlyConfigured as problem:
        # A settings problem is the person's to fix: say what, not where.
        sys.exit(f"Configuration problem: {problem}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
