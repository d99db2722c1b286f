"""Registries (sổ đăng ký): how an app appears in the shell without the shell knowing it.

An app registers its providers once, in its `AppConfig.ready()`; the shell (home page,
navigation, demo command) and the consolidated report read the registries. Adding a
domain app therefore never means editing the shell: registering is all it takes.

- `nav` — `NavEntry`: a link in the header and on the home page, shown to users for
  whom `visible(user)` is true.
- `due` — a function `provider(user, anchors, today) -> core.due.DueContribution`:
  what the user's units and the units directly below them owe (reports to submit,
  documents to disseminate, tasks…), merged into one list on the home page.
- `report_sections` — a function `provider(unit, period, as_of) -> ReportSection | None`:
  a part of the consolidated report (báo cáo tổng hợp) compiled from that app's records
  of `unit`'s subtree over the period's window, as they stood on `as_of` (the directives
  and how they were disseminated, the activity log's totals per kind, the previous
  conference's tasks…). Called inside the consolidation's one consistent read.
- `demo` — a function `loader(ctx)`: synthetic, labelled demo data, run by
  `giaoban demo` after the demo users exist (see `giaoban.shell.demo`).
- `jobs` — a function `scheduler(now) -> [JobSpec]`: background work that falls due
  (reminders…), claimed and run by `giaoban jobs` (see `giaoban.jobs`).
- `dashboard` — a function `panel(request, node, start, end) -> html or None`: a panel of
  that app's figures for a unit's subtree over a period (the activity log's totals per
  kind), shown on the unit's dashboard below the report's figures.
- `indicator_sources` — `IndicatorSource`: records a report form's indicator may be
  computed from (chỉ tiêu tính từ hồ sơ) — the activity log's count or participants of
  activities of given kinds, the register's documents received or disseminated on time,
  the conferences' tasks done. The reports app reads them by key and never knows the apps.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


class Registry:
    """An ordered set of providers. Registering the same provider twice keeps one."""

    def __init__(self, name, discover=None):
        self.name = name
        self.discover = discover  # module name imported from every app before reading
        self._items = []

    def register(self, item=None, *, order=None):
        """Register `item` (also usable as a decorator); `order` sorts, lowest first."""

        def add(obj):
            if all(existing is not obj for _o, existing in self._items):
                rank = order if order is not None else getattr(obj, "order", len(self._items))
                self._items.append((rank, obj))
                self._items.sort(key=lambda pair: pair[0])  # stable: ties keep their order
            return obj

        return add if item is None else add(item)

    def __iter__(self):
        if self.discover:
            autodiscover_modules(self.discover)
        return iter([obj for _order, obj in self._items])

    def __len__(self):
        return len(list(iter(self)))


@dataclass(frozen=True)
class NavEntry:
    """One place of the app in the navigation (header) and on the home page."""

    key: str
    label: str  # short, for the header (lazy translation)
    url_name: str
    description: str = ""  # longer, for the home page's quick links
    visible: Callable = field(default=lambda user: True)
    order: int = 50


@dataclass
class ReportSection:
    """A part of the consolidated report compiled from an app's records, never typed.

    `paragraphs` are sentences stating counts of records; `table` is (header, rows) or
    None; `data` holds the same figures as JSON-able values, so that a later export can
    say what changed; `url` leads to the records behind them."""

    key: str
    title: str
    paragraphs: list = field(default_factory=list)
    table: tuple | None = None
    data: dict = field(default_factory=dict)
    url: str = ""

    def as_dict(self):
        return {
            "key": self.key,
            "title": str(self.title),
            "paragraphs": [str(p) for p in self.paragraphs],
            "table": (
                {"header": [str(h) for h in self.table[0]], "rows": self.table[1]}
                if self.table
                else None
            ),
            "data": self.data,
            "url": self.url,
        }


@dataclass(frozen=True)
class SourceParam:
    """One parameter of an indicator source, as the form editor asks it: a choice among
    `choices()` — [(value, label)], read when asked, since kinds are data — of one value,
    or of several (`multiple`)."""

    key: str
    label: str
    choices: Callable
    multiple: bool = True
    help_text: str = ""


@dataclass(frozen=True)
class IndicatorSource:
    """Records an indicator may be computed from, registered by the app that keeps them.

    - `compute(unit_ids, start, end, params) -> {unit id: number}`: for each unit, its OWN
      records dated from `start` to `end` inclusive — never its subtree: each unit reports
      its own figures and the roll-up adds the subtree up. A unit with none may be absent.
      One call serves every unit asked (a batch), in a few queries.
    - `link(unit, start, end, params) -> url`: the page listing the records behind a value.
    - `params`: the `SourceParam`s the value depends on; `params` passed to compute and
      link map each key to a list of values (a one-value parameter too).
    """

    key: str
    label: str
    group: str  # the records, in words: "Nhật ký hoạt động"
    compute: Callable
    link: Callable
    params: tuple = ()
    order: int = 50


class SourceRegistry(Registry):
    """Indicator sources by key; registering a key again replaces the earlier source."""

    def register(self, item=None, *, order=None):
        def add(source):
            self._items = [(o, s) for o, s in self._items if s.key != source.key]
            return Registry.register(self, source, order=order)

        return add if item is None else add(item)

    def get(self, key):
        return next((s for s in self if s.key == key), None)


nav = Registry("nav")
due = Registry("due")
report_sections = Registry("report_sections")
demo = Registry("demo", discover="demo")
jobs = Registry("jobs")
dashboard = Registry("dashboard")
indicator_sources = SourceRegistry("indicator_sources")
