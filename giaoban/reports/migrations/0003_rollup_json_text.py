"""Roll-up buckets as `json` (text) rather than `jsonb` on PostgreSQL.

FastJSONField now declares `json` there (see giaoban/core/fields.py). A database created
from here on gets it in 0002 already; one that ran 0002 before gets it here. Nothing
to do on SQLite, which keeps JSON as text anyway.
"""

from django.db import migrations

COLUMNS = ("statuses", "accepted", "counted")


def retype(to):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in COLUMNS:
            schema_editor.execute(
                f'ALTER TABLE "reports_rollup" ALTER COLUMN "{column}" TYPE {to} USING "{column}"::{to}'
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_rollup_fast_json")]

    operations = [migrations.RunPython(retype("json"), retype("jsonb"))]
