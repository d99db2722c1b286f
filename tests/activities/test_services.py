"""Recording, editing, deleting activities; validation; the tally; dissemination sync."""

import datetime
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Sum

from giaoban.activities import services, tally
from giaoban.activities.models import Activity, ActivityFile
from giaoban.activities.validation import ActivityError
from giaoban.audit.models import AuditEntry
from giaoban.core.paths import subtree_q
from giaoban.documents import obligations
from giaoban.documents.models import Recipient
from tests.activities.conftest import DAY, values

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def problems(error):
    return {p.field: p.message for p in error.value.problems}


def test_an_officer_records_an_activity_of_their_unit(scene):
    c = scene.cast
    a = services.record(c.commune_officer, c.commune_a1, **values())
    assert a.unit == c.commune_a1 and a.path == c.commune_a1.path
    assert (a.party_members, a.officers, a.others, a.participants) == (12, 30, 5, 47)
    entry = AuditEntry.objects.get(model="activities.Activity", object_id=str(a.pk))
    assert entry.action == "create" and entry.unit_path == c.commune_a1.path


def test_an_officer_above_records_for_a_unit_below(scene):
    c = scene.cast
    a = services.record(c.officer_a, c.commune_a1, **values())
    assert a.unit == c.commune_a1


@pytest.mark.parametrize("who", ["officer_b", "commune_officer", "leader_a"])
def test_out_of_scope_or_without_the_right_is_refused(scene, who):
    c = scene.cast
    with pytest.raises(ActivityError) as error:
        services.record(getattr(c, who), c.province_a, **values())
    assert error.value.forbidden
    assert not Activity.objects.exists()


def test_each_field_is_named_in_vietnamese(scene):
    c = scene.cast
    bad = values(
        date=scene.today + DAY,
        kind="khong-co",
        title="  ",
        form="hội thảo",
        party_members=-1,
        officers="2,5",
        others="nhiều",
        notes="x" * 5001,
    )
    with pytest.raises(ActivityError) as error:
        services.record(c.commune_officer, c.commune_a1, **bad)
    found = problems(error)
    assert found["date"].startswith("Ngày tổ chức: không được sau hôm nay")
    assert found["kind"] == "Loại hoạt động: “khong-co” không có trong danh mục loại hoạt động."
    assert found["title"] == "Tên hoạt động: bắt buộc nhập."
    assert found["form"].startswith("Hình thức: “hội thảo” không phải hình thức hợp lệ")
    assert found["party_members"] == "Số đảng viên tham dự: không được âm."
    assert found["officers"] == "Số cán bộ, chiến sĩ tham dự: phải là số nguyên (không có phần lẻ)."
    assert found["others"] == "Số người khác tham dự: “nhiều” không phải là số."
    assert found["notes"].startswith("Ghi chú, kết quả: tối đa 5.000 ký tự")
    assert not Activity.objects.exists()


def test_nul_is_refused_and_nfd_is_stored_nfc(scene):
    c = scene.cast
    with pytest.raises(ActivityError) as error:
        services.record(c.commune_officer, c.commune_a1, **values(title="Quán\x00 triệt"))
    assert problems(error)["title"] == "Tên hoạt động: không được chứa ký tự rỗng (NUL)."
    nfd = "Gia\u0309i bo\u0301ng đa\u0301"  # "Giải bóng đá" decomposed
    a = services.record(c.commune_officer, c.commune_a1, **values(title=nfd, notes=nfd))
    a.refresh_from_db()
    assert a.title == "Giải bóng đá" and a.notes == "Giải bóng đá"
    assert "giai bong da" in a.search_text


def test_a_session_needs_a_document_the_unit_received_and_not_before_its_issue(scene):
    c = scene.cast
    early = values(kind="quan-triet", document=scene.document.pk, date=scene.issued_on - DAY)
    with pytest.raises(ActivityError) as error:
        services.record(c.commune_officer, c.commune_a1, **early)
    assert "trước ngày ban hành văn bản" in problems(error)["date"]
    # A document the unit did not receive: one of province A's own, sent to nobody here.
    from tests.documents.conftest import issued

    own = issued(c.officer_b, make_leader_b(c), c.province_b, day=scene.issued_on)
    with pytest.raises(ActivityError) as error:
        services.record(c.commune_officer, c.commune_a1, **values(document=own.pk))
    assert problems(error)["document"].startswith("Văn bản được quán triệt: văn bản này không có")


def make_leader_b(c):
    from tests.conftest import make_user

    return make_user("leader_b", c.province_b, "leader")


def recipient(scene, unit):
    return Recipient.objects.get(document=scene.document, unit=unit)


def standing(scene, unit):
    r = recipient(scene, unit)
    return obligations.status(scene.document.disseminate_by, r.disseminated_on, scene.today)


def test_a_session_meets_the_dissemination_obligation_on_time_or_late(scene):
    c = scene.cast
    assert standing(scene, c.commune_a1) == obligations.OVERDUE
    late = services.record(
        c.commune_officer,
        c.commune_a1,
        **values(kind="quan-triet", document=scene.document.pk, date=scene.due + DAY),
    )
    r = recipient(scene, c.commune_a1)
    assert (r.disseminated_on, r.sessions) == (scene.due + DAY, 1)
    assert standing(scene, c.commune_a1) == obligations.LATE
    # On the deadline day itself: on time (the first session counts).
    on_time = services.record(
        c.commune_officer,
        c.commune_a1,
        **values(kind="quan-triet", document=scene.document.pk, date=scene.due),
    )
    assert recipient(scene, c.commune_a1).sessions == 2
    assert standing(scene, c.commune_a1) == obligations.ON_TIME
    # Edited to a later day: late again; its document removed: one session left.
    services.update(on_time, c.commune_officer, date=scene.due + 2 * DAY)
    assert recipient(scene, c.commune_a1).disseminated_on == scene.due + DAY
    services.update(late, c.commune_officer, document=None)
    r = recipient(scene, c.commune_a1)
    assert (r.disseminated_on, r.sessions) == (scene.due + 2 * DAY, 1)
    # Moved to the sibling commune: it follows, and the first commune has none left.
    services.update(on_time, c.officer_a, unit=c.commune_a2)
    assert recipient(scene, c.commune_a1).sessions == 0
    assert recipient(scene, c.commune_a1).disseminated_on is None
    assert recipient(scene, c.commune_a2).sessions == 1
    services.delete(Activity.objects.get(pk=on_time.pk), c.officer_a)
    assert recipient(scene, c.commune_a2).sessions == 0
    assert standing(scene, c.commune_a2) == obligations.OVERDUE
    audited = AuditEntry.objects.filter(model="documents.Recipient", action="update")
    assert audited.count() >= 5


def naive(node, start, end, kind=None):
    rows = Activity.objects.filter(subtree_q(node.path, "path"), date__gte=start, date__lte=end)
    if kind is not None:
        rows = rows.filter(kind=kind)
    found = rows.aggregate(
        n=Count("id"), pm=Sum("party_members"), off=Sum("officers"), oth=Sum("others")
    )
    return (found["n"], found["pm"] or 0, found["off"] or 0, found["oth"] or 0)


def test_totals_equal_a_naive_count_and_the_recompute_after_many_writes(scene):
    c = scene.cast
    rng = random.Random(8)
    units = [c.commune_a1, c.commune_a2, c.province_a, c.province_b, c.commune_b1, c.root]
    start = scene.today - 120 * DAY
    made = []
    for i in range(60):
        unit = rng.choice(units)
        day = start + rng.randrange(0, 118) * DAY
        kind = rng.choice(list(scene.kinds))
        made.append(
            services.record(
                c.ministry_officer,
                unit,
                **values(
                    date=day,
                    kind=kind,
                    title=f"Hoạt động {i}",
                    party_members=rng.randrange(0, 40),
                    officers=rng.randrange(0, 40),
                    others=rng.randrange(0, 9),
                ),
            )
        )
    for a in made[:15]:
        day = min(a.date + 9 * DAY, scene.today)
        services.update(a, c.ministry_officer, date=day, kind="dan-van", others=3)
    for a in made[15:20]:
        services.update(a, c.ministry_officer, unit=c.commune_b1)
    for a in made[20:28]:
        services.delete(Activity.objects.get(pk=a.pk), c.ministry_officer)
    assert tally.stored() == tally.recompute()
    # Windows whose edges fall inside half-months, on them, and across months.
    windows = [
        (start, scene.today),
        (start + 3 * DAY, start + 50 * DAY),
        (scene.today.replace(day=1) - 31 * DAY, scene.today.replace(day=14)),
        (scene.today - 16 * DAY, scene.today - 16 * DAY),
    ]
    for first in (
        datetime.date(start.year, start.month, 15),
        datetime.date(start.year, start.month, 1),
    ):
        windows.append((first, first + 44 * DAY))
    for node in (c.root, c.province_a, c.commune_a1, c.province_b):
        for low, high in windows:
            assert services.totals(node, low, high).as_tuple() == naive(node, low, high)
            by_kind = tally.by_kind(node, low, high)
            for kind in scene.kinds.values():
                got = by_kind.get(kind.pk, tally.Totals()).as_tuple()
                assert got == naive(node, low, high, kind)
    children = [c.province_a, c.province_b, c.department]
    per = tally.by_node(c.root, children, start + 3 * DAY, scene.today - 2 * DAY)
    for child in children:
        got = per.get(child.pk, tally.Totals()).as_tuple()
        assert got == naive(child, start + 3 * DAY, scene.today - 2 * DAY)


def test_evidence_files_are_checked_stored_and_removed(scene):
    c = scene.cast
    bad = SimpleUploadedFile("bien-ban.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ActivityError) as error:
        services.record(c.commune_officer, c.commune_a1, files=[bad], **values())
    assert "nội dung không phải tệp .pdf" in problems(error)["files"]
    assert not Activity.objects.exists()
    good = SimpleUploadedFile("biên bản.pdf", PDF, content_type="application/pdf")
    a = services.record(c.commune_officer, c.commune_a1, files=[good], **values())
    f = ActivityFile.objects.get(activity=a)
    assert f.name == "biên bản.pdf" and f.size == len(PDF)
    services.remove_file(f, c.commune_officer)
    assert not ActivityFile.objects.exists()
