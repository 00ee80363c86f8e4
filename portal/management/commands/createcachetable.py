"""``createcachetable`` for every database alias: the embedded cache has a database of its own (portal.dbrouters),
and Django's command only looks at one alias. The router still decides where the table belongs."""

from __future__ import annotations

from django.conf import settings
from django.core.management.commands.createcachetable import Command as DjangoCommand


class Command(DjangoCommand):
    def handle(self, *tablenames, **options) -> None:
        if options.get("database") not in (None, "default"):
            return super().handle(*tablenames, **options)
        for alias in settings.DATABASES:
            super().handle(*tablenames, **{**options, "database": alias})
        return None
