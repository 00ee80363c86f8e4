"""Database routing for the embedded default: the database cache has a database (and connection) of its own."""

from __future__ import annotations

CACHE_APP_LABEL = "django_cache"  # the app label of Django's DatabaseCache entries
CACHE_ALIAS = "cache"


class CacheRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return CACHE_ALIAS if model._meta.app_label == CACHE_APP_LABEL else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool | None:
        if app_label == CACHE_APP_LABEL:
            return db == CACHE_ALIAS
        return False if db == CACHE_ALIAS else None
