"""Trigram indexes for the accent-insensitive catalogue search (PostgreSQL only).

The searched columns are stored already normalised (lower-cased, accents and đ removed, see procedures/search.py),
so no unaccent() call is needed at query time and the indexes need no immutable wrapper. SQLite (the embedded
default) has no pg_trgm: there the operations do nothing and the search falls back to plain LIKE.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS procedure_search_text_trgm ON procedures_procedure USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS procedure_search_name_trgm ON procedures_procedure USING gin (search_name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS procedure_search_name_trgm",
    "DROP INDEX IF EXISTS procedure_search_text_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("procedures", "0002_catalogue_search_and_publishing")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
