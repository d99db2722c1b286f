"""Nhập cây đơn vị — load the real tree of units from the packages that publish it.

`import_current()` loads the structure in force since 1 July 2025: the ministry, a
handful of its departments, the 34 provincial police forces and the 3,321 commune-level
police units (names and codes from the PyPI package `vietnam-provinces`).

`import_legacy()` makes sure that structure exists, then adds the one before it (63
provinces, 696 districts, 10,035 communes from the PyPI package `vietnamadminunits`)
with its end dates, and records the two reorganisations of 2025 as lineage:

- 1 March 2025: the district level closes; every commune moves under its province
  (one "move" record per commune: old parent the district, new parent the province);
- 1 July 2025: provinces and communes are merged into the 34 + 3,321 of today (one
  record per legacy unit and successor, with the share of its figures it passes on).

Both imports key units by code and lineage by its unique constraint, so a second run
changes nothing; both run in one transaction, so an error leaves nothing behind. Bulk
writes fire no signals, so the audit entries are written here, in bulk.
"""

import datetime
import importlib.metadata
import importlib.util
import json
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from tqdm import tqdm

from giaoban.audit.context import acting_as, current
from giaoban.audit.models import AuditEntry
from giaoban.audit.registry import BulkWriter, snapshot
from giaoban.core.bulkwrite import insert_rows
from giaoban.core.paths import PATH_SEP
from giaoban.core.text import nfc
from giaoban.units import history
from giaoban.units.models import Level, Lineage, Unit

ACTOR_LABEL = "lệnh nhập đơn vị"
BATCH = 500

DISTRICTS_CLOSED = datetime.date(2025, 3, 1)  # Cấp huyện kết thúc hoạt động từ 01/03/2025.
REORGANISED = datetime.date(2025, 7, 1)  # 34 tỉnh, 3.321 xã hoạt động từ 01/07/2025.
ONE_DAY = datetime.timedelta(days=1)

PROVINCE_KINDS = ("Thành phố", "Tỉnh")
DISTRICT_KINDS = ("Thành phố", "Thị xã", "Quận", "Huyện")
COMMUNE_KINDS = ("Thị trấn", "Phường", "Xã", "Đặc khu")

MINISTRY_CODE = "BCA"
# (code, name, short name, party organisation). Ministry units are not in either package.
DEPARTMENTS = [
    ("VPB", "Văn phòng Bộ Công an", "Văn phòng Bộ", "Đảng ủy Văn phòng Bộ Công an"),
    (
        "CTDCT",
        "Cục Công tác đảng và công tác chính trị",
        "Cục CTĐ, CTCT",
        "Đảng ủy Cục Công tác đảng và công tác chính trị",
    ),
    ("TCCB", "Cục Tổ chức cán bộ", "Cục TCCB", "Đảng ủy Cục Tổ chức cán bộ"),
    ("TTR", "Thanh tra Bộ Công an", "Thanh tra Bộ", "Đảng ủy Thanh tra Bộ Công an"),
    ("DTAO", "Cục Đào tạo", "Cục Đào tạo", "Đảng ủy Cục Đào tạo"),
]

UNIT_FIELDS = [
    "name",
    "short_name",
    "level_id",
    "parent_id",
    "party_name",
    "command_name",
    "active_from",
    "active_to",
]
LINEAGE_FIELDS = ["share", "old_parent_id", "new_parent_id", "note"]


class UnitImportError(Exception):
    """The source data cannot be imported; the message is for the user, in Vietnamese."""


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    short_name: str
    level: str
    parent: str | None
    party_name: str
    command_name: str
    active_from: datetime.date | None = None
    active_to: datetime.date | None = None


@dataclass(frozen=True)
class LineageSpec:
    predecessor: str
    successor: str
    kind: str
    date: datetime.date
    share: Decimal = Decimal(1)
    old_parent: str | None = None
    new_parent: str | None = None
    note: str = ""


@dataclass
class Plan:
    """What one source says the tree is: units (parents first or not) and lineage."""

    source: str
    units: list
    lineage: list


@dataclass
class Summary:
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    lineage_created: int = 0
    lineage_updated: int = 0
    lineage_unchanged: int = 0
    seconds: float = 0.0

    @property
    def changed(self):
        return self.units_created + self.units_updated + self.lineage_created + self.lineage_updated

    def line(self):
        def n(value):
            return number_format(value, force_grouping=True)

        return _(
            "Nhập đơn vị xong: %(uc)s tạo mới, %(uu)s cập nhật, %(un)s không đổi; "
            "quan hệ kế thừa: %(lc)s tạo mới, %(lu)s cập nhật, %(ln)s không đổi; "
            "%(seconds)s giây."
        ) % {
            "uc": n(self.units_created),
            "uu": n(self.units_updated),
            "un": n(self.units_unchanged),
            "lc": n(self.lineage_created),
            "lu": n(self.lineage_updated),
            "ln": n(self.lineage_unchanged),
            "seconds": number_format(self.seconds, decimal_pos=1),
        }


# ---------------------------------------------------------------------------- names


def split_kind(name, kinds):
    """Split a name into its kind and the rest: "Tỉnh Thái Nguyên" → ("tỉnh", "Thái Nguyên").

    The name is the more reliable field: the legacy data types "Thị trấn Ngọc Lặc" as a
    commune ("Xã") and writes "Thành Phố Bắc Kạn"; vietnam-provinces has "xã Bắc Sơn".
    """
    name = nfc(name)
    folded = name.casefold()
    for kind in kinds:
        if folded.startswith(kind.casefold() + " "):
            return kind.lower(), name[len(kind) + 1 :].strip()
    raise UnitImportError(
        _("Không nhận ra loại đơn vị hành chính của “%(name)s”.") % {"name": name}
    )


def police_unit(code, name, kinds, level, parent, party_word, active_from=None, active_to=None):
    """The police unit of an administrative unit: "Xã Đại Phúc" → "Công an xã Đại Phúc"."""
    kind, short = split_kind(name, kinds)
    command = f"Công an {kind} {short}"
    return UnitSpec(
        code=code,
        name=command,
        short_name=short,
        level=level,
        parent=parent,
        party_name=f"{party_word} {command}",
        command_name=command,
        active_from=active_from,
        active_to=active_to,
    )


# ---------------------------------------------------------------------------- sources


def ministry_specs():
    specs = [
        UnitSpec(
            MINISTRY_CODE,
            "Bộ Công an",
            "Bộ Công an",
            "bo",
            None,
            "Đảng ủy Công an Trung ương",
            "Bộ Công an",
        )
    ]
    for code, name, short, party in DEPARTMENTS:
        specs.append(UnitSpec(code, name, short, "cuc", MINISTRY_CODE, party, name))
    return specs


def current_plan():
    """The ministry and the structure in force since 1 July 2025 (vietnam-provinces)."""
    try:
        text = (
            resources.files("vietnam_provinces")
            .joinpath("data", "nested-divisions.json")
            .read_text(encoding="utf-8")
        )
        provinces = json.loads(text)
    except (ModuleNotFoundError, OSError, ValueError) as exc:
        raise UnitImportError(
            _("Không đọc được dữ liệu của gói vietnam-provinces: %(error)s") % {"error": exc}
        ) from exc
    units = ministry_specs()
    for province in provinces:
        code = f"T{province['code']:02d}"
        units.append(
            police_unit(
                code,
                province["name"],
                PROVINCE_KINDS,
                "tinh",
                MINISTRY_CODE,
                "Đảng ủy",
                active_from=REORGANISED,
            )
        )
        for ward in province["wards"]:
            units.append(
                police_unit(
                    f"X{ward['code']:05d}",
                    ward["name"],
                    COMMUNE_KINDS,
                    "xa",
                    code,
                    "Chi bộ",
                    active_from=REORGANISED,
                )
            )
    version = _version("vietnam-provinces")
    return Plan(f"Cơ cấu từ 01/07/2025 (vietnam-provinces {version})", units, [])


def _adminunits_data():
    # find_spec locates the package without running its __init__, which would pull in
    # its address parser and geocoding dependencies; we only read its data files.
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise UnitImportError(_("Chưa cài gói vietnamadminunits."))
    return Path(next(iter(spec.submodule_search_locations))) / "data"


LEGACY_SQL = """
    SELECT province, provinceCode, provinceKey, district, districtType, districtCode,
           districtKey, ward, wardCode, wardKey
    FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode
"""


def legacy_plan():
    """The structure before 2025 (vietnamadminunits) and its lineage into today's."""
    data = _adminunits_data()
    try:
        uri = f"{(data / 'dataset.db').as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as db:
            legacy_rows = db.execute(LEGACY_SQL).fetchall()
            new_rows = db.execute(
                "SELECT provinceKey, provinceCode, wardKey, wardCode FROM admin_units"
            ).fetchall()
        conversion = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    except (OSError, sqlite3.Error, ValueError) as exc:
        raise UnitImportError(
            _("Không đọc được dữ liệu của gói vietnamadminunits: %(error)s") % {"error": exc}
        ) from exc
    if not legacy_rows:
        raise UnitImportError(_("Dữ liệu đơn vị cũ của gói vietnamadminunits trống."))

    units, lineage = [], []
    legacy_code = {}  # "provinceKey_districtKey_wardKey" → unit code
    province_code = {}  # legacy provinceKey → unit code
    seen = set()
    district_last_day = DISTRICTS_CLOSED - ONE_DAY
    legacy_last_day = REORGANISED - ONE_DAY
    for row in legacy_rows:
        p_name, p_code, p_key, d_name, d_type, d_code, d_key, w_name, w_code, w_key = row
        province = f"LT{p_code}"
        district = f"LH{d_code}"
        province_code[p_key] = province
        if province not in seen:
            seen.add(province)
            units.append(
                police_unit(
                    province,
                    p_name,
                    PROVINCE_KINDS,
                    "tinh",
                    MINISTRY_CODE,
                    "Đảng ủy",
                    active_to=legacy_last_day,
                )
            )
        if district not in seen:
            seen.add(district)
            # Five island districts (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) had no
            # communes to take over their work, so they did not close on 1 March 2025: they
            # stayed until 30 June 2025 and became special zones (đặc khu) on 1 July.
            last_day = legacy_last_day if not w_code else district_last_day
            units.append(
                police_unit(
                    district,
                    _district_name(d_name, d_type),
                    DISTRICT_KINDS,
                    "huyen",
                    province,
                    "Đảng ủy",
                    active_to=last_day,
                )
            )
        if not w_code:
            legacy_code[f"{p_key}_{d_key}_"] = district
            continue
        commune = f"LX{w_code}"
        legacy_code[f"{p_key}_{d_key}_{w_key}"] = commune
        # The stored parent is the latest one (the province); the district is history.
        units.append(
            police_unit(
                commune, w_name, COMMUNE_KINDS, "xa", province, "Chi bộ", active_to=legacy_last_day
            )
        )
        lineage.append(
            LineageSpec(
                commune,
                commune,
                Lineage.Kind.MOVE,
                DISTRICTS_CLOSED,
                old_parent=district,
                new_parent=province,
                note="Kết thúc tổ chức cấp huyện, chuyển về trực thuộc Công an tỉnh",
            )
        )

    new_province = {p_key: f"T{p_code}" for p_key, p_code, _w, _c in new_rows}
    new_ward = {(p_key, w_key): f"X{w_code}" for p_key, _p, w_key, w_code in new_rows}
    lineage += _reorganisation(conversion, province_code, legacy_code, new_province, new_ward)
    version = _version("vietnamadminunits")
    return Plan(f"Cơ cấu trước 2025 (vietnamadminunits {version})", units, lineage)


def _district_name(name, district_type):
    # The type column is right where the name's capitals are not ("Thành Phố Bắc Kạn").
    kind, rest = split_kind(name, DISTRICT_KINDS)
    return f"{district_type or kind} {rest}"


REORGANISATION_NOTE = "Sắp xếp đơn vị hành chính từ 01/07/2025"


def _lookup(table, key, what):
    try:
        return table[key]
    except KeyError:
        raise UnitImportError(
            _("Bảng chuyển đổi 2025 nhắc tới %(what)s “%(key)s” không có trong dữ liệu.")
            % {"what": what, "key": key}
        ) from None


def _reorganisation(conversion, province_code, legacy_code, new_province, new_ward):
    """Lineage of 1 July 2025 from the package's conversion tables."""
    try:
        provinces = conversion["DICT_PROVINCE"]
        whole = conversion["DICT_PROVINCE_WARD_NO_DIVIDED"]
        divided = conversion["DICT_PROVINCE_WARD_DIVIDED"]
    except KeyError as exc:
        raise UnitImportError(
            _("Bảng chuyển đổi 2025 thiếu mục %(key)s.") % {"key": exc.args[0]}
        ) from None
    records = _province_links(provinces, province_code, new_province)
    pairs = _whole_wards(whole, legacy_code, new_ward) + _divided_wards(
        divided, legacy_code, new_ward
    )
    records += _ward_links(pairs)
    _check_shares(records)
    return records


def _province_links(provinces, province_code, new_province):
    records = []
    for new_key, old_keys in provinces.items():
        successor = _lookup(new_province, new_key, _("tỉnh mới"))
        kind = Lineage.Kind.MERGE if len(old_keys) > 1 else Lineage.Kind.RENAME
        for old_key in old_keys:
            predecessor = _lookup(province_code, old_key, _("tỉnh cũ"))
            records.append(
                LineageSpec(predecessor, successor, kind, REORGANISED, note=REORGANISATION_NOTE)
            )
    return records


def _whole_wards(whole, legacy_code, new_ward):
    """(predecessor, successor, None) for communes that went whole into a new one."""
    pairs = []
    for new_p, wards in whole.items():
        for new_w, old_keys in wards.items():
            successor = _lookup(new_ward, (new_p, new_w), _("xã mới"))
            for old_key in old_keys:
                pairs.append((_lookup(legacy_code, old_key, _("xã cũ")), successor, None))
    return pairs


def _divided_wards(divided, legacy_code, new_ward):
    """(predecessor, successor, share) for communes split between new ones."""
    pairs = []
    for new_p, olds in divided.items():
        for old_key, parts in olds.items():
            predecessor = _lookup(legacy_code, old_key, _("xã cũ"))
            defaults = [p for p in parts if p.get("isDefaultNewWard")]
            if len(defaults) != 1:
                raise UnitImportError(
                    _("Xã cũ “%(key)s” bị chia tách nhưng không có đúng một xã mới mặc định.")
                    % {"key": old_key}
                )
            for part in parts:
                successor = _lookup(new_ward, (new_p, part["newWardKey"]), _("xã mới"))
                # Until real shares are known the default successor takes the whole.
                share = Decimal(1) if part.get("isDefaultNewWard") else Decimal(0)
                pairs.append((predecessor, successor, share))
    return pairs


def _ward_links(pairs):
    """A successor with several predecessors (whole or in part) is a merger; with exactly
    one, the old commune simply continues under its new name."""
    predecessors = defaultdict(set)
    for predecessor, successor, _share in pairs:
        predecessors[successor].add(predecessor)
    records = []
    for predecessor, successor, share in pairs:
        if share is None:
            many = len(predecessors[successor]) > 1
            kind = Lineage.Kind.MERGE if many else Lineage.Kind.RENAME
            records.append(
                LineageSpec(predecessor, successor, kind, REORGANISED, note=REORGANISATION_NOTE)
            )
        else:
            records.append(
                LineageSpec(
                    predecessor,
                    successor,
                    Lineage.Kind.SPLIT,
                    REORGANISED,
                    share,
                    note=REORGANISATION_NOTE,
                )
            )
    return records


def _check_shares(records):
    totals = Counter()
    for record in records:
        if record.kind != Lineage.Kind.MOVE:
            totals[record.predecessor] += record.share
    wrong = sorted(code for code, total in totals.items() if total != 1)
    if wrong:
        raise UnitImportError(
            _("Tổng tỷ lệ kế thừa của %(codes)s khác 1.") % {"codes": ", ".join(wrong[:5])}
        )


def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


# ---------------------------------------------------------------------------- writing


class _Writer:
    """Writes plans in bulk: creates what is missing, updates what differs, audits both."""

    def __init__(self, summary, bar):
        self.summary = summary
        self.bar = bar
        self.actor = current()
        self.levels = Level.objects.in_bulk(field_name="code")
        self.units = {u.code: u for u in Unit.objects.order_by()}
        self.imported = set()  # codes this run is responsible for
        self.moved = False  # whether any existing unit's path changed
        self.kind_labels = {kind: str(label) for kind, label in Lineage.Kind.choices}
        self.audit = BulkWriter(actor=self.actor)  # one time for every entry of one import

    def write(self, plan):
        self.source = plan.source
        self.write_units(plan.units)
        self.write_lineage(plan.lineage)

    def finish(self):
        if self.moved:
            self._carry_other_descendants()
        self.audit.flush()

    # -- units

    def write_units(self, specs):
        by_code = {}
        for spec in specs:
            if spec.code in by_code:
                raise UnitImportError(
                    _("Mã đơn vị %(code)s xuất hiện hai lần.") % {"code": spec.code}
                )
            by_code[spec.code] = spec
        self.imported |= set(by_code)
        tiers = defaultdict(list)
        for spec in specs:
            tiers[self._tier(spec, by_code)].append(spec)
        for tier in sorted(tiers):
            self._write_tier(tiers[tier])

    @staticmethod
    def _tier(spec, by_code):
        depth = 0
        while spec.parent in by_code:
            spec = by_code[spec.parent]
            depth += 1
            if depth > 50:
                raise UnitImportError(
                    _("Cây đơn vị có vòng lặp tại %(code)s.") % {"code": spec.code}
                )
        return depth

    def _write_tier(self, specs):
        creates, updates = [], []
        for spec in specs:
            parent = self._unit(spec.parent) if spec.parent else None
            level = self.levels.get(spec.level)
            if level is None:
                raise UnitImportError(_("Chưa có cấp đơn vị “%(level)s”.") % {"level": spec.level})
            values = {
                "name": nfc(spec.name),
                "short_name": nfc(spec.short_name),
                "level_id": level.pk,
                "parent_id": parent.pk if parent else None,
                "party_name": nfc(spec.party_name),
                "command_name": nfc(spec.command_name),
                "active_from": spec.active_from,
                "active_to": spec.active_to,
            }
            unit = self.units.get(spec.code)
            if unit is None:
                unit = Unit(code=spec.code, **values)
                unit.parent = parent
                _derive(unit)
                creates.append(unit)
                continue
            # The parent's path may have changed earlier in this run, so the path is
            # compared too, before anything on the unit is touched.
            path = (parent.path if parent else "") + unit.code + PATH_SEP
            if (
                unit.path == path
                and all(getattr(unit, f) == v for f, v in values.items())
                and unit.search_text == unit.compute_search_text()
            ):
                self.summary.units_unchanged += 1
                continue
            before, old_path = snapshot(unit), unit.path
            for field, value in values.items():
                setattr(unit, field, value)
            unit.parent = parent
            _derive(unit)
            self.moved |= unit.path != old_path
            updates.append((unit, before))

        insert_rows(Unit, creates)
        if creates:
            ids = dict(Unit.objects.order_by().values_list("code", "id"))
            for unit in creates:
                unit.pk = ids[unit.code]
                self.units[unit.code] = unit
        Unit.objects.bulk_update(
            [u for u, _b in updates],
            UNIT_FIELDS + ["path", "depth", "search_text"],
            batch_size=BATCH,
        )
        for unit in creates:
            self._audit(unit, unit.name, None, unit.path)
        for unit, before in updates:
            self._audit(unit, unit.name, before, unit.path)
        self.summary.units_created += len(creates)
        self.summary.units_updated += len(updates)
        self.bar.update(len(specs))

    def _unit(self, code):
        unit = self.units.get(code)
        if unit is None:
            raise UnitImportError(_("Không tìm thấy đơn vị có mã %(code)s.") % {"code": code})
        return unit

    def _carry_other_descendants(self):
        """Units this import does not manage follow their ancestors that it moved."""
        by_id = {u.pk: u for u in self.units.values()}
        others = sorted(
            (u for u in self.units.values() if u.code not in self.imported), key=lambda u: u.depth
        )
        changed = []
        for unit in others:
            parent = by_id.get(unit.parent_id)
            path = (parent.path if parent else "") + unit.code + PATH_SEP
            if path != unit.path:
                unit.path = path
                unit.depth = path.count(PATH_SEP) - 1
                changed.append(unit)
        Unit.objects.bulk_update(changed, ["path", "depth"], batch_size=BATCH)

    # -- lineage

    def write_lineage(self, specs):
        if not specs:
            return
        dates = {s.date for s in specs}
        existing = {
            (x.predecessor_id, x.successor_id, x.date, x.kind): x
            for x in Lineage.objects.filter(date__in=dates).order_by()
        }
        creates, updates, keys = [], [], {}
        for spec in specs:
            predecessor, successor = self._unit(spec.predecessor), self._unit(spec.successor)
            old_parent = self._unit(spec.old_parent) if spec.old_parent else None
            new_parent = self._unit(spec.new_parent) if spec.new_parent else None
            key = (predecessor.pk, successor.pk, spec.date, spec.kind)
            if key in keys:
                raise UnitImportError(
                    _("Quan hệ kế thừa %(old)s → %(new)s xuất hiện hai lần.")
                    % {"old": spec.predecessor, "new": spec.successor}
                )
            values = {
                "share": spec.share,
                "old_parent_id": old_parent.pk if old_parent else None,
                "new_parent_id": new_parent.pk if new_parent else None,
                "note": nfc(spec.note),
            }
            record = existing.get(key)
            if record is None:
                record = Lineage(
                    predecessor_id=predecessor.pk,
                    successor_id=successor.pk,
                    kind=spec.kind,
                    date=spec.date,
                    **values,
                )
                creates.append(record)
            elif any(getattr(record, f) != v for f, v in values.items()):
                before = snapshot(record)
                for field, value in values.items():
                    setattr(record, field, value)
                updates.append((record, before))
            else:
                self.summary.lineage_unchanged += 1
                continue
            keys[key] = (predecessor, successor)

        insert_rows(Lineage, creates)
        if creates:
            rows = Lineage.objects.filter(date__in=dates).order_by()
            ids = {
                (p, s, d, k): pk
                for pk, p, s, d, k in rows.values_list(
                    "id", "predecessor_id", "successor_id", "date", "kind"
                )
            }
            for record in creates:
                record.pk = ids[_lineage_key(record)]
        Lineage.objects.bulk_update([r for r, _b in updates], LINEAGE_FIELDS, batch_size=BATCH)
        for record, before in [(r, None) for r in creates] + updates:
            predecessor, successor = keys[_lineage_key(record)]
            # As Lineage.__str__, without a query or a lazy translation per row.
            label = (
                f"{predecessor.code} → {successor.code} "
                f"({self.kind_labels[record.kind]}, {record.date:%d/%m/%Y})"
            )
            self._audit(record, label, before, successor.path)
        self.summary.lineage_created += len(creates)
        self.summary.lineage_updated += len(updates)
        self.bar.update(len(specs))

    def _audit(self, obj, label, before, unit_path):
        self.audit.add(
            type(obj),
            obj.pk,
            label,
            unit_path,
            AuditEntry.Action.IMPORT,
            before=before,
            after=snapshot(obj),
            message=self.source,
        )


def _lineage_key(record):
    return (record.predecessor_id, record.successor_id, record.date, record.kind)


def _derive(unit):
    unit.path = unit.compute_path()
    unit.depth = unit.path.count(PATH_SEP) - 1
    unit.search_text = unit.compute_search_text()


# ---------------------------------------------------------------------------- entry points


def import_current(progress=True):
    """Load the ministry and today's 34 provinces and 3,321 communes; returns a Summary."""
    return _run([current_plan], progress)


def import_legacy(progress=True):
    """Make sure today's structure exists, then load the pre-2025 one and its lineage."""
    return _run([current_plan, legacy_plan], progress)


def _run(planners, progress):
    started = time.monotonic()
    summary = Summary()
    try:
        with acting_as(label=ACTOR_LABEL), transaction.atomic():
            plans = [planner() for planner in planners]
            total = sum(len(p.units) + len(p.lineage) for p in plans)
            with tqdm(
                total=total,
                desc=_("Nhập đơn vị"),
                unit=" dòng",
                file=sys.stderr,
                disable=not progress,
                leave=False,
            ) as bar:
                writer = _Writer(summary, bar)
                for plan in plans:
                    writer.write(plan)
                writer.finish()
    finally:
        history.invalidate()
    summary.seconds = time.monotonic() - started
    return summary
