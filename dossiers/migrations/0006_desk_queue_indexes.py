"""Indexes for the desk queue, the departments' worklists and the tracking book at a million dossiers.

The prefix search on the dossier code and the name search are PostgreSQL-only (pattern and trigram indexes); on
SQLite, the embedded default, those two operations do nothing and the search falls back to a plain LIKE.
"""

from django.conf import settings
from django.db import migrations, models

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # code LIKE 'prefix%' whatever the database collation (the unique index serves only equality then).
    "CREATE INDEX IF NOT EXISTS dossier_code_pattern_idx ON dossiers_dossier (code varchar_pattern_ops)",
    # applicant_name__icontains compiles to UPPER(applicant_name::text) LIKE UPPER('%…%').
    "CREATE INDEX IF NOT EXISTS dossier_applicant_name_trgm ON dossiers_dossier "
    "USING gin (UPPER(applicant_name::text) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS dossier_applicant_name_trgm",
    "DROP INDEX IF EXISTS dossier_code_pattern_idx",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_document_numbers"),
        ("portal", "0002_audit_append_only"),
        ("procedures", "0003_trigram_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["current_department", "status", "due_at"], name="dossier_worklist_idx"),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["receiving_agency", "received_at"], name="dossier_received_idx"),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["applicant_id_number"], name="dossier_applicant_idn_idx"),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
