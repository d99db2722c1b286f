"""The kinds of activities, as data: those the seed names ("giáo dục chính trị tư tưởng,
giáo dục truyền thống, các hoạt động văn hóa, văn nghệ, thể thao, điều lệnh", "công tác
dân vận", the political and social organisations), each with a short code. Administrators
may add others later."""

from django.db import migrations

KINDS = [
    ("quan-triet", "Học tập, quán triệt văn bản"),
    ("gd-chinh-tri", "Giáo dục chính trị tư tưởng"),
    ("gd-truyen-thong", "Giáo dục truyền thống"),
    ("van-hoa", "Văn hóa, văn nghệ"),
    ("the-thao", "Thể dục, thể thao"),
    ("dieu-lenh", "Điều lệnh, lễ tiết, tác phong"),
    ("dan-van", "Dân vận"),
    ("chi-bo", "Sinh hoạt chi bộ chuyên đề"),
    ("to-chuc-ctxh", "Hoạt động của các tổ chức chính trị - xã hội"),
]


def seed(apps, schema_editor):
    kind = apps.get_model("activities", "ActivityKind")
    for order, (code, name) in enumerate(KINDS, start=1):
        kind.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
