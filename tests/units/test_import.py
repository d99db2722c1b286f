"""`giaoban units import [--legacy]`: the real tree, idempotent and all-or-nothing."""

import datetime
import json
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from giaoban.audit.models import AuditEntry
from giaoban.units import importers
from giaoban.units.importers import UnitSpec, import_current, import_legacy
from giaoban.units.models import Lineage, Unit

pytestmark = pytest.mark.django_db

JULY = datetime.date(2025, 7, 1)
MARCH = datetime.date(2025, 3, 1)


def level_counts(code_regex=""):
    rows = Unit.objects.filter(code__regex=code_regex).values_list("level__code")
    return dict(rows.annotate(n=Count("id")).values_list("level__code", "n"))


def test_it_loads_the_current_structure(capsys):
    call_command("units", "import", verbosity=1)

    out = capsys.readouterr().out
    assert "3.361 tạo mới, 0 cập nhật, 0 không đổi" in out
    assert level_counts() == {"bo": 1, "cuc": 5, "tinh": 34, "xa": 3321}

    root = Unit.objects.get(parent=None)
    assert (root.code, root.name) == ("BCA", "Bộ Công an")
    assert root.party_name == "Đảng ủy Công an Trung ương"
    department = Unit.objects.get(code="CTDCT")
    assert department.name == "Cục Công tác đảng và công tác chính trị"
    assert department.short_name == "Cục CTĐ, CTCT"
    assert department.path == "BCA/CTDCT/" and department.active_from is None

    province = Unit.objects.get(name="Công an tỉnh Thái Nguyên")
    assert province.code == "T19"
    assert province.party_name == "Đảng ủy Công an tỉnh Thái Nguyên"
    assert province.command_name == "Công an tỉnh Thái Nguyên"
    assert province.short_name == "Thái Nguyên"
    assert province.active_from == JULY and province.active_to is None
    assert Unit.objects.get(code="T01").name == "Công an thành phố Hà Nội"

    commune = Unit.objects.get(code="X00004")
    assert commune.name == "Công an phường Ba Đình"
    assert commune.party_name == "Chi bộ Công an phường Ba Đình"
    assert commune.short_name == "Ba Đình"
    assert (commune.path, commune.depth) == ("BCA/T01/X00004/", 2)
    assert Unit.objects.filter(name="Công an đặc khu Côn Đảo", level__code="xa").exists()
    # The source writes this one "xã Bắc Sơn"; the kind is read without regard to case.
    assert Unit.objects.filter(name="Công an xã Bắc Sơn").exists()
    assert Unit.objects.search("thai nguyen").filter(code="T19").exists()
    assert Unit.objects.filter(level__code="xa").exclude(parent__level__code="tinh").count() == 0


def test_every_created_unit_is_audited_as_an_import():
    import_current(progress=False)

    entries = AuditEntry.objects.filter(model="units.Unit")
    assert entries.count() == 3361
    assert set(entries.values_list("action", "actor_label").distinct()) == {
        ("import", "lệnh nhập đơn vị")
    }
    entry = entries.get(object_id=str(Unit.objects.get(code="T19").pk))
    assert entry.before is None
    assert entry.after["name"] == "Công an tỉnh Thái Nguyên"
    assert entry.after["active_from"] == "2025-07-01"
    assert entry.unit_path == "BCA/T19/"
    assert "vietnam-provinces" in entry.message


def test_a_second_run_changes_nothing():
    import_current(progress=False)
    rows = list(Unit.objects.order_by("code").values())
    entries = AuditEntry.objects.count()

    summary = import_current(progress=False)

    assert (summary.units_created, summary.units_updated, summary.units_unchanged) == (0, 0, 3361)
    assert list(Unit.objects.order_by("code").values()) == rows
    assert AuditEntry.objects.count() == entries


def test_a_drifted_unit_is_put_back_and_the_change_audited():
    import_current(progress=False)
    Unit.objects.filter(code="T19").update(short_name="TN", active_to=datetime.date(2030, 1, 1))

    summary = import_current(progress=False)

    assert (summary.units_created, summary.units_updated) == (0, 1)
    unit = Unit.objects.get(code="T19")
    assert unit.short_name == "Thái Nguyên" and unit.active_to is None
    entry = AuditEntry.objects.filter(model="units.Unit", object_id=str(unit.pk)).first()
    assert entry.action == "import"
    assert entry.before["short_name"] == "TN"
    assert entry.after["short_name"] == "Thái Nguyên"


def test_units_it_does_not_manage_follow_a_moved_ancestor(cast):
    cast.province_a.parent = cast.department  # T19 under CTDCT, as an administrator might
    cast.province_a.save()
    team = Unit.objects.create(
        code="T19-PV01",
        name="Đội công tác",
        short_name="Đội",
        level=cast.commune_a1.level,
        parent=cast.province_a,
    )
    assert team.path == "BCA/CTDCT/T19/T19-PV01/"

    import_current(progress=False)

    team.refresh_from_db()
    assert team.path == "BCA/T19/T19-PV01/"
    entry = AuditEntry.objects.filter(
        model="units.Unit", object_id=str(cast.province_a.pk), action="import"
    ).get()
    assert (entry.before["parent_id"], entry.before["path"]) == (
        cast.department.pk,
        "BCA/CTDCT/T19/",
    )
    assert (entry.after["parent_id"], entry.after["path"]) == (cast.root.pk, "BCA/T19/")
    assert Unit.objects.get(code="X05500").path == "BCA/T19/X05500/"
    # The cast's made-up commune names are replaced by the real ones.
    assert Unit.objects.get(code="X05500").name == "Công an phường Tích Lương"


def test_an_error_midway_leaves_nothing(monkeypatch):
    def fail(self):
        raise RuntimeError("hỏng giữa chừng")

    # By then every unit is inserted; only the audit entries are still to come.
    monkeypatch.setattr(importers._Writer, "finish", fail)
    with pytest.raises(RuntimeError):
        import_current(progress=False)

    assert not Unit.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_error_in_the_legacy_part_leaves_nothing(monkeypatch):
    real = importers.insert_rows

    def insert_rows(model, objs, **kwargs):
        if model is Unit and objs[0].code.startswith("LH"):
            raise RuntimeError("hỏng giữa chừng")
        return real(model, objs, **kwargs)

    # Today's units and the 63 legacy provinces are written before the districts fail.
    monkeypatch.setattr(importers, "insert_rows", insert_rows)
    with pytest.raises(RuntimeError):
        import_legacy(progress=False)

    assert not Unit.objects.exists()
    assert not Lineage.objects.exists()
    assert not AuditEntry.objects.exists()


def test_bad_source_data_is_a_clear_message(monkeypatch):
    def plan():
        units = importers.ministry_specs() + [
            UnitSpec("T99", "Công an tỉnh X", "X", "tinh", "KHONGCO", "Đảng ủy", "Công an tỉnh X")
        ]
        return importers.Plan("thử", units, [])

    monkeypatch.setattr(importers, "current_plan", plan)
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị có mã KHONGCO"):
        call_command("units", "import", verbosity=0)
    assert not Unit.objects.exists()


def converter():
    with open(importers._adminunits_data() / "converter_2025.json", encoding="utf-8") as f:
        return json.load(f)


def test_the_legacy_structure_and_the_2025_lineage():
    first = import_legacy(progress=False)
    assert first.units_created == 3361 + 63 + 696 + 10035
    assert first.lineage_created == Lineage.objects.count()

    # Counts and end dates.
    assert level_counts(r"^LT") == {"tinh": 63}
    assert level_counts(r"^LH") == {"huyen": 696}
    assert level_counts(r"^LX") == {"xa": 10035}
    assert level_counts(r"^T\d") == {"tinh": 34} and level_counts(r"^X\d") == {"xa": 3321}
    legacy = Unit.objects.filter(code__startswith="L")
    assert set(legacy.values_list("active_to", flat=True)) == {
        datetime.date(2025, 2, 28),
        datetime.date(2025, 6, 30),
    }
    islands = legacy.filter(level__code="huyen", active_to=datetime.date(2025, 6, 30))
    assert set(islands.values_list("short_name", flat=True)) == {
        "Bạch Long Vĩ",
        "Cồn Cỏ",
        "Côn Đảo",
        "Hoàng Sa",
        "Lý Sơn",
    }
    assert not islands.filter(children__isnull=False).exists()
    assert legacy.filter(level__code="huyen").count() == 696

    # Names.
    ha_giang = Unit.objects.get(code="LT02")
    assert ha_giang.name == "Công an tỉnh Hà Giang"
    assert ha_giang.party_name == "Đảng ủy Công an tỉnh Hà Giang"
    assert Unit.objects.get(code="LH001").name == "Công an quận Ba Đình"
    assert Unit.objects.get(code="LH001").party_name == "Đảng ủy Công an quận Ba Đình"
    assert Unit.objects.filter(code__startswith="LH", name__startswith="Công an thị xã ").exists()
    assert Unit.objects.filter(name="Công an thành phố Bắc Kạn", level__code="huyen").exists()
    phuc_xa = Unit.objects.get(code="LX00001")
    assert phuc_xa.name == "Công an phường Phúc Xá"
    assert phuc_xa.party_name == "Chi bộ Công an phường Phúc Xá"
    assert phuc_xa.path == "BCA/LT01/LX00001/"  # the latest parent is the stored one

    # 1 March 2025: every legacy commune moves from its district to its province.
    moves = Lineage.objects.filter(kind="move")
    assert moves.count() == 10035
    assert not moves.exclude(date=MARCH).exists()
    move = moves.get(predecessor__code="LX00001")
    assert (move.successor.code, move.old_parent.code, move.new_parent.code) == (
        "LX00001",
        "LH001",
        "LT01",
    )
    assert not moves.exclude(old_parent__level__code="huyen").exists()
    assert not moves.exclude(new_parent__level__code="tinh").exists()

    # 1 July 2025: the shares of every predecessor add up to exactly 1.
    july = Lineage.objects.filter(date=JULY).exclude(kind="move")
    totals = july.values("predecessor").annotate(total=Sum("share"))
    assert totals.count() == 63 + 10035 + 5
    assert {row["total"] for row in totals} == {Decimal(1)}
    assert not july.exclude(successor__code__regex=r"^[TX]").exists()

    # Kinds: a province merged with others, one that continues alone.
    assert set(july.filter(successor__code="T19").values_list("predecessor__code", "kind")) == {
        ("LT19", "merge"),
        ("LT06", "merge"),
    }
    assert set(july.filter(successor__code="T01").values_list("predecessor__code", "kind")) == {
        ("LT01", "rename")
    }
    con_dao = july.get(predecessor__code="LH755")
    assert (con_dao.successor.name, con_dao.share) == ("Công an đặc khu Côn Đảo", 1)

    # Every divided commune: one split record per successor, the default one takes the whole.
    divided = {
        old_key: parts
        for olds in converter()["DICT_PROVINCE_WARD_DIVIDED"].values()
        for old_key, parts in olds.items()
    }
    splits = defaultdict(list)
    for code, share in july.filter(kind="split").values_list("predecessor__code", "share"):
        splits[code].append(share)
    assert len(splits) == len(divided) == 471
    assert sum(len(parts) for parts in divided.values()) == sum(map(len, splits.values()))
    assert all(sorted(shares)[-1] == 1 and sum(shares) == 1 for shares in splits.values())

    # Idempotent: nothing changes on a second run, and nothing is audited again.
    entries = AuditEntry.objects.count()
    assert entries == first.units_created + first.lineage_created
    second = import_legacy(progress=False)
    assert second.changed == 0
    assert second.units_unchanged == first.units_created
    assert second.lineage_unchanged == first.lineage_created
    assert AuditEntry.objects.count() == entries
