"""An entry's snapshots as `json` (the text as written) rather than `jsonb` on PostgreSQL.

Nothing filters on what is inside a snapshot; entries are written (one per change, and
tens of thousands at once by the bulk paths) and shown. Parsing each snapshot into `jsonb`
was about a third of the server's work for an entry written by COPY (50,000 entries of the
activity import: 2.2 → 1.5 s of server CPU). `FastJSONField` declares `json` there; this
retypes an existing column. SQLite keeps JSON as text anyway, so there only the field's
class changes in the migration state: its table, with its append-only trigger, is not
rebuilt.
"""

import giaoban.core.fields
from django.db import migrations

COLUMNS = ("before", "after")


def retype(to):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in COLUMNS:
            schema_editor.execute(
                f'ALTER TABLE "audit_auditentry" ALTER COLUMN "{column}" TYPE {to} '
                f'USING "{column}"::{to}'
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_model_index_covered")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name=name,
                    field=giaoban.core.fields.FastJSONField(
                        blank=True, null=True, verbose_name=label
                    ),
                )
                for name, label in (("before", "trước"), ("after", "sau"))
            ],
            database_operations=[migrations.RunPython(retype("json"), retype("jsonb"))],
        )
    ]
