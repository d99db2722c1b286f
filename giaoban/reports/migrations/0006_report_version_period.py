"""Reports: an index on (version, period) in place of the one on version alone.

Every analysis page asks which version a period's reports were filed on; with the index
on version alone that EXISTS read every report of the version (4 ms for 60,000 reports
on SQLite). The composite index answers it with one probe and serves lookups by version
alone as well, so the single-column index goes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_rollup_one_index")]

    operations = [
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["version", "period_key"], name="report_version_period"),
        ),
        migrations.AlterField(
            model_name="report",
            name="version",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reports",
                to="reports.formversion",
                verbose_name="phiên bản",
            ),
        ),
    ]
