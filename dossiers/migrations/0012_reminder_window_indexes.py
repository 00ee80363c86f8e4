"""Indexes for the SLA timers' windows (dossiers/timers.py): reminders by kind and moment, and the appraisal
supplements answered recently (PostgreSQL only, a partial index; SQLite keeps the foreign-key index)."""

from django.db import migrations, models

FORWARD = [
    "CREATE INDEX IF NOT EXISTS supplement_answered_idx ON dossiers_supplementrequest (answered_at, dossier_id) "
    "WHERE stage = 'appraisal' AND answered_at IS NOT NULL",
]
BACKWARD = ["DROP INDEX IF EXISTS supplement_answered_idx"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0011_portal_clock_timestamps"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(fields=["kind", "moment", "dossier"], name="reminder_kind_moment_idx"),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
