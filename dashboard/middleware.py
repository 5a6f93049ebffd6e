"""Turn archive faults anywhere in a request into a page with one sentence."""

import logging
import sqlite3

from django.db import DatabaseError
from django.shortcuts import render

from . import archive

logger = logging.getLogger(__name__)


class ArchiveErrorMiddleware:
    """Render archive faults as a 503 page that says what is wrong.

    Views that read figures raise `ArchiveError` themselves. Anything else
    that reads the archive (the admin, mostly) raises a raw database error;
    that one is diagnosed against the file before it is let through.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, archive.ArchiveError):
            return self.render(request, exception)
        if not isinstance(exception, DatabaseError | sqlite3.Error):
            return None
        try:
            archive.inspect()
        except archive.ArchiveError as problem:
            return self.render(request, problem)
        problem = archive.classify(exception)
        if problem.kind in {"locked", "corrupt", "not_database"}:
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
