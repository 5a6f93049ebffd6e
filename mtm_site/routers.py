"""Keep the archive models on the archive, and everything else off it."""

ARCHIVE_ALIAS = "archive"
ARCHIVE_APP = "dashboard"


class ArchiveRouter:
    """Route the unmanaged archive models to the read-only archive database."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label == ARCHIVE_APP:
            return ARCHIVE_ALIAS
        return "default"

    def db_for_write(self, model, **hints):
        if model._meta.app_label == ARCHIVE_APP:
            return ARCHIVE_ALIAS
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        same_side = (obj1._meta.app_label == ARCHIVE_APP) == (
            obj2._meta.app_label == ARCHIVE_APP
        )
        return same_side

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # No migration ever runs against the archive, and the archive's
        # unmanaged models have nothing to create anywhere else.
        if db == ARCHIVE_ALIAS:
            return False
        return app_label != ARCHIVE_APP
