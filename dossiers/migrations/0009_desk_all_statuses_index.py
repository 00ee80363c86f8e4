"""The desk queue over every status of a desk of 400,000 dossiers, ordered by the appointment or the submission
straight off an index (dossiers/selectors/desk.py)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0008_reminders"),
        ("portal", "0003_keep_actor_on_user_delete"),
        ("procedures", "0003_trigram_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["receiving_agency", "due_at"], name="dossier_desk_due_idx"),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["receiving_agency", "submitted_at"], name="dossier_desk_submitted_idx"),
        ),
    ]
