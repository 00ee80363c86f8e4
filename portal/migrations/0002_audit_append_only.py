from django.db import migrations

from portal.models.append_only import append_only_migration


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [append_only_migration("portal_auditentry")]
