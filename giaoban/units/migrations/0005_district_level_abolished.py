"""The district level was removed on 1 March 2025: no new unit at that level."""

import datetime

from django.db import migrations


def abolish(apps, schema_editor):
    Level = apps.get_model("units", "Level")
    Level.objects.filter(code="huyen").update(active_to=datetime.date(2025, 2, 28))


def restore(apps, schema_editor):
    Level = apps.get_model("units", "Level")
    Level.objects.filter(code="huyen").update(active_to=None)


class Migration(migrations.Migration):
    dependencies = [("units", "0004_level_active_to")]
    operations = [migrations.RunPython(abolish, restore)]
