"""Steps run against a site in a process of their own (`python -m tests.ops.scenario STEP`,
with GIAOBAN_DATA_DIR and DATABASE_URL of the site), through the app's own code.

- fill: migrate; the test cast's units; the demo of every app (`giaoban demo --no-import`:
  users, documents, activities, reports, conferences… and the files they upload); two
  evidence files on an activity; a file whose name is Vietnamese.
- mutate: what happens after a backup — rows added, changed and deleted (audited, as the
  pages would), an evidence file removed through its service and another added, the bytes
  of a stored file damaged, and a table that the backup did not have.
"""

import io
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giaoban.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from giaoban.accounts.models import RoleAssignment  # noqa: E402
from giaoban.activities import services as activity_services  # noqa: E402
from giaoban.activities.models import Activity, ActivityFile  # noqa: E402
from giaoban.audit.context import acting_as  # noqa: E402
from giaoban.core import uploads  # noqa: E402
from giaoban.units.models import Level, Unit  # noqa: E402

PDF = b"%PDF-1.4\n% bien ban kiem thu sao luu\n%%EOF\n"


def make_unit(code, name, short, level, parent=None):
    return Unit.objects.create(
        code=code,
        name=name,
        short_name=short,
        level=Level.objects.get(code=level),
        parent=parent,
        party_name=("Chi bộ " if level == "xa" else "Đảng ủy ") + name,
        command_name=name,
    )


def cast_units():
    """The units of the test cast (tests/conftest.py), on which the demo loads."""
    root = make_unit("BCA", "Bộ Công an", "Bộ Công an", "bo")
    make_unit("CTDCT", "Cục Công tác đảng và công tác chính trị", "Cục CTĐ, CTCT", "cuc", root)
    province_a = make_unit("T19", "Công an tỉnh Thái Nguyên", "Thái Nguyên", "tinh", root)
    make_unit("X05500", "Công an phường Phan Đình Phùng", "Phan Đình Phùng", "xa", province_a)
    make_unit("X05800", "Công an xã Đại Phúc", "Đại Phúc", "xa", province_a)
    province_b = make_unit("T01", "Công an thành phố Hà Nội", "Hà Nội", "tinh", root)
    make_unit("X00004", "Công an phường Ba Đình", "Ba Đình", "xa", province_b)


def add_evidence(activity, user, name, content):
    """An evidence file checked and stored as the activity log's upload does it."""
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    checked = uploads.check(upload)
    with transaction.atomic():
        ActivityFile.objects.create(
            activity=activity,
            name=checked.name,
            stored=uploads.store(upload, checked, "activities"),
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=user,
        )


def commune_activity():
    return Activity.objects.filter(unit__code="X05500").order_by("pk").first()


def fill():
    call_command("migrate", verbosity=0)
    with acting_as(label="kiểm thử sao lưu"):
        cast_units()
    call_command("demo", "--no-serve", "--no-import", stdout=io.StringIO())
    officer = get_user_model().objects.get(username="xa.canbo")
    with acting_as(officer):
        activity = commune_activity()
        add_evidence(activity, officer, "Biên bản quán triệt.pdf", PDF)
        add_evidence(activity, officer, "Danh sách dự.pdf", PDF.replace(b"bien", b"danh"))
    other = uploads.media_root() / "khac" / "tệp ghi chú.txt"
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_text("Tệp do quản trị viên đặt vào thư mục tải lên.\n", encoding="utf-8")


def mutate():
    users = get_user_model().objects
    admin, officer = users.get(username="quantri"), users.get(username="xa.canbo")
    with acting_as(admin):
        unit = Unit.objects.get(code="T19")
        unit.short_name = "Tên sửa sau khi sao lưu"
        unit.save()
        RoleAssignment.objects.filter(user__username="hanoi.canbo").delete()
        users.create_user("nguoi.moi", password="mat-khau-moi-2026", unit=unit, full_name="Mới")
    first, second = ActivityFile.objects.order_by("pk")[:2]
    with acting_as(officer):
        activity_services.remove_file(first, officer)
        add_evidence(commune_activity(), officer, "Ảnh hoạt động.pdf", PDF + b"anh")
    (uploads.media_root() / second.stored).write_bytes(b"%PDF-1.4 hong")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE them_sau_sao_luu (id integer)")


if __name__ == "__main__":
    {"fill": fill, "mutate": mutate}[sys.argv[1]]()
