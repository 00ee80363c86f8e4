"""Partial indexes for the SLA timers' sweeps (dossiers/timers.py) at a million dossiers.

Every run of a sweep looks at the open dossiers whose due moment falls in a window (due within one working day, the
desk's SLA ending within two working hours…) and keeps those not yet reminded. These indexes hold only open dossiers
(a tenth of the table) and carry what the sweeps filter on, so the windows are read from the index alone. PostgreSQL
only, like 0006: on SQLite, the embedded default, the sweeps use the ordinary (status, due_at) index.
"""

from django.db import migrations

CLOCK_STATUSES = "('received', 'processing', 'awaiting_supplement', 'awaiting_approval')"
FORWARD = [
    # near-due warnings, apology-slip reminders, overdue escalation
    "CREATE INDEX IF NOT EXISTS dossier_timer_due_idx ON dossiers_dossier (due_at, id) "
    f"INCLUDE (status, apology_issued) WHERE status IN {CLOCK_STATUSES}",
    # desk-check reminders and escalation
    "CREATE INDEX IF NOT EXISTS dossier_timer_desk_idx ON dossiers_dossier (desk_due_at, id) "
    "WHERE status = 'submitted'",
]
BACKWARD = [
    "DROP INDEX IF EXISTS dossier_timer_desk_idx",
    "DROP INDEX IF EXISTS dossier_timer_due_idx",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0009_desk_all_statuses_index")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
