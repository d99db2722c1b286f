"""The kinds of documents, as data: the Party's (Hướng dẫn 36-HD/VPTW, 2018) and the
state's that a command uses (Nghị định 30/2020/NĐ-CP, Phụ lục III), each with the
abbreviation its number carries. Administrators may add others later."""

from django.db import migrations

PARTY = [
    ("Nghị quyết", "NQ"),
    ("Quyết định", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Kết luận", "KL"),
    ("Quy chế", "QC"),
    ("Quy định", "QĐi"),
    ("Thông tri", "TT"),
    ("Hướng dẫn", "HD"),
    ("Thông báo", "TB"),
    ("Kế hoạch", "KH"),
    ("Chương trình", "CTr"),
    ("Báo cáo", "BC"),
    ("Tờ trình", "TTr"),
    ("Công văn", "CV"),
]
STATE = [
    ("Quyết định", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Quy chế", "QC"),
    ("Quy định", "QyĐ"),
    ("Hướng dẫn", "HD"),
    ("Thông báo", "TB"),
    ("Kế hoạch", "KH"),
    ("Chương trình", "CTr"),
    ("Phương án", "PA"),
    ("Đề án", "ĐA"),
    ("Báo cáo", "BC"),
    ("Tờ trình", "TTr"),
    ("Công văn", ""),
    ("Công điện", "CĐ"),
]


def seed(apps, schema_editor):
    kind = apps.get_model("documents", "DocumentKind")
    for body, kinds in (("party", PARTY), ("state", STATE)):
        for order, (name, abbreviation) in enumerate(kinds, start=1):
            kind.objects.get_or_create(
                body=body, name=name, defaults={"abbreviation": abbreviation, "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
