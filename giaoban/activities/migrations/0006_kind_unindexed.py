"""The activities' kind has no index of its own (see models.Activity.kind).

Dropped by name rather than by altering the field: on SQLite that would copy the whole
table (a million activities) to make it again without the index.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "activities_activity_kind_id_85e0549d"  # as Django named it (0001)


class Migration(migrations.Migration):
    dependencies = [("activities", "0005_tally_fillfactor")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="activity",
                    name="kind",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="activities",
                        to="activities.activitykind",
                        verbose_name="loại hoạt động",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    f'CREATE INDEX "{INDEX}" ON "activities_activity" ("kind_id")',
                ),
            ],
        ),
    ]
