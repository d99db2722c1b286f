"""The levels of the public-security tree. They are rows, so a reorganisation is data."""

from django.db import migrations

LEVELS = [
    ("bo", "Bộ", 0),
    ("cuc", "Cục, đơn vị thuộc Bộ", 1),
    ("tinh", "Công an tỉnh, thành phố", 1),
    ("huyen", "Công an huyện, quận, thị xã, thành phố thuộc tỉnh", 2),
    ("xa", "Công an xã, phường, đặc khu", 3),
]


def add(apps, schema_editor):
    Level = apps.get_model("units", "Level")
    for code, name, rank in LEVELS:
        Level.objects.update_or_create(code=code, defaults={"name": name, "rank": rank})


def remove(apps, schema_editor):
    apps.get_model("units", "Level").objects.filter(code__in=[c for c, _, _ in LEVELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
