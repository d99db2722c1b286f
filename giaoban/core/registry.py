"""Registries (sổ đăng ký): how an app appears in the shell without the shell knowing it.

An app registers its providers once, in its `AppConfig.ready()`; the shell (home page,
navigation, demo command) and the consolidated report read the registries. Adding a
domain app therefore never means editing the shell: registering is all it takes.

- `nav` — `NavEntry`: a link in the header and on the home page, shown to users for
  whom `visible(user)` is true.
- `due` — a function `provider(user, anchors, today) -> core.due.DueContribution`:
  what the user's units and the units directly below them owe (reports to submit,
  documents to disseminate, tasks…), merged into one list on the home page.
- `report_sections` — a function `provider(unit, period, snapshot) -> section`: a part
  of the consolidated report (báo cáo tổng hợp) compiled from that app's records.
- `demo` — a function `loader(ctx)`: synthetic, labelled demo data, run by
  `giaoban demo` after the demo users exist (see `giaoban.shell.demo`).
- `jobs` — a function `scheduler(now) -> [JobSpec]`: background work that falls due
  (reminders…), claimed and run by `giaoban jobs` (see `giaoban.jobs`).
- `dashboard` — a function `panel(request, node, start, end) -> html or None`: a panel of
  that app's figures for a unit's subtree over a period (the activity log's totals per
  kind), shown on the unit's dashboard below the report's figures.
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


nav = Registry("nav")
due = Registry("due")
report_sections = Registry("report_sections")
demo = Registry("demo", discover="demo")
jobs = Registry("jobs")
dashboard = Registry("dashboard")
