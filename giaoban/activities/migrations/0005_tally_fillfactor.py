"""The tally's pages keep room for updates on PostgreSQL (fillfactor 70).

A tally row is rewritten by every write it counts (three rows a record, tens of thousands
an import), and only its sums change. With room left on its page, PostgreSQL writes the
new version there and touches no index (a heap-only update); on full pages each update
also adds an entry to the (node, kind, bucket) index and leaves the table to bloat
(33,000 upserts of an import: about 0.9 → 0.55 s of server CPU). New pages take the
setting at once; pages written before it, when the table is next rewritten
(VACUUM FULL). SQLite has no such setting.
"""

from django.db import migrations

TABLE = "activities_activitytally"


def fillfactor(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        if value is None:
            schema_editor.execute(f'ALTER TABLE "{TABLE}" RESET (fillfactor)')
        else:
            schema_editor.execute(f'ALTER TABLE "{TABLE}" SET (fillfactor = {int(value)})')

    return run


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_sessions_only_document_index")]

    operations = [migrations.RunPython(fillfactor(70), fillfactor(None))]
