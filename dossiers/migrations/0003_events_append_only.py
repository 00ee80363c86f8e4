from django.db import migrations

from portal.models.append_only import append_only_migration


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_initial")]
    operations = [
        append_only_migration("dossiers_dossierevent"),
        append_only_migration("dossiers_clockentry"),
    ]
