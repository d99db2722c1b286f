"""Two indexes fewer for every entry written: none on the actor (nothing reads entries by
the actor's id), and the (model, id) index holds only the tree's entries (units and
lineage), the one lookup it serves (giaoban.units.history's cache stamp).

The actor's index is dropped by name rather than by altering the field: on SQLite that
would make the table again, and lose its append-only trigger with it.
"""

from django.conf import settings
from django.db import migrations, models

ACTOR_INDEX = "audit_auditentry_actor_id_8ab278be"  # as Django named it (0001)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_snapshots_json_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="người thực hiện",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{ACTOR_INDEX}"',
                    f'CREATE INDEX "{ACTOR_INDEX}" ON "audit_auditentry" ("actor_id")',
                ),
            ],
        ),
        migrations.RemoveIndex(model_name="auditentry", name="audit_model_id"),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                condition=models.Q(
                    ("model", "units.Unit"), ("model", "units.Lineage"), _connector="OR"
                ),
                fields=["model", "id"],
                name="audit_tree_latest",
            ),
        ),
    ]
