from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _archive_connection_created(sender, connection, **kwargs):
    from . import archive

    if connection.alias == archive.ALIAS:
        connection.connection.text_factory = archive.decode_text
        connection.connection.row_factory = archive.text_row


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Music archive"

    def ready(self):
        connection_created.connect(_archive_connection_created)
