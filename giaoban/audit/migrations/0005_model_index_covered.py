"""No index of its own on `model`: audit_object and audit_model_id both lead with it.

On SQLite, altering a field rebuilds the table, which drops its triggers: the append-only
trigger of 0002 is made again afterwards.
"""

from django.db import migrations, models

SQLITE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"""


def append_only_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_alter_auditentry_action")]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="model",
            field=models.CharField(max_length=100, verbose_name="loại đối tượng"),
        ),
        migrations.RunPython(append_only_again, migrations.RunPython.noop),
    ]
