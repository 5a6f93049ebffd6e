"""Turn archive faults anywhere in a request into a page with one sentence."""

import logging
import sqlite3

from django.db import DatabaseError, connections
from django.shortcuts import render

from . import archive

logger = logging.getLogger(__name__)

DAMAGE = ("malformed", "corrupt", "not a database", "disk i/o")


class ArchiveErrorMiddleware:
    """Render archive faults as a 503 page that says what is wrong.

    Figures raise `ArchiveError` themselves, and every other query on the
    archive connection (the admin's, mostly) is diagnosed as it fails. A
    database error from elsewhere is the archive's only when the file shows
    the damage the error names; otherwise it is a server error like any other.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with connections[archive.ALIAS].execute_wrapper(archive.diagnosing):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, archive.ArchiveError):
            return self.render(request, exception)
        if not isinstance(exception, DatabaseError | sqlite3.Error):
            return None
        # Rows fetched after a query started can still meet a damaged page.
        if not any(word in str(exception).lower() for word in DAMAGE):
            return None
        try:
            archive.inspect(timeout=archive.busy_timeout())
        except archive.ArchiveError as problem:
            return self.render(request, problem)
        problem = archive.integrity_problem()
        if problem is not None:
            return self.render(request, problem)
        return None

    def render(self, request, problem):
        logger.info("Archive problem (%s) on %s", problem.kind, request.path)
        return render(
            request,
            "archive_problem.html",
            {"problem": problem},
            status=503,
        )
