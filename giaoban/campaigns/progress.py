"""Where a campaign stands — computed from the records, never stored, never ticked.

The rule (docs/decisions.md, "A campaign's progress"):

- The units concerned are the launching unit and every unit of its subtree, on the tree
  as it stood on the campaign's first day (`units.history`).
- A requirement applies to a unit when it names the unit's level, or no level (every unit
  concerned, the launching one included).
- A requirement is met on the day its record met it: the `min_count`-th activity of its
  kind linked to the campaign (its plan, or a document implementing it down the chain);
  the unit's first issued document implementing a document of that chain; the unit's
  results sent. Records from the campaign's first day on count; before it, none; and
  progress as of a day knows only the records dated up to it.
- Each (requirement, unit) stands in the task-tracking matrix against the phase's last
  day (`core.due.standing`): done on time, done late, not done within the deadline,
  overdue.
- A unit is complete when every requirement that applies to it is met (on time or late);
  lagging when one is overdue. A unit to which nothing applies is neither: it is "không
  áp dụng" and is counted nowhere — so a subtree with no unit concerned shows no
  percentage, never 0 % nor 100 %.
- A subtree (a unit below the viewer, with everything below it) counts its own unit's
  requirements (met x of y) and, separately, its units below that have something to do:
  complete x of y, lagging z.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext_lazy

from giaoban.activities import public as activities
from giaoban.campaigns.models import Requirement, Result
from giaoban.core import due
from giaoban.core.due import LATE, ON_TIME, OVERDUE, PENDING
from giaoban.core.paths import PATH_SEP
from giaoban.core.perf import gc_paused
from giaoban.documents import public as documents
from giaoban.units import history
from giaoban.units.models import Unit

R = Requirement.Kind

# Where a unit stands on a campaign, one name each (pages, exports, the API).
COMPLETE, LAGGING, UNDERWAY, NOT_APPLICABLE = "complete", "lagging", "underway", "not_applicable"
UNIT_STATUS_LABELS = {
    COMPLETE: gettext_lazy("Hoàn thành"),
    LAGGING: gettext_lazy("Chậm tiến độ"),
    UNDERWAY: gettext_lazy("Đang thực hiện"),
    NOT_APPLICABLE: gettext_lazy("Không áp dụng"),
}
UNIT_STATUS_CSS = {COMPLETE: "ok", LAGGING: "err", UNDERWAY: "info", NOT_APPLICABLE: "closed"}


@dataclass
class UnitProgress:
    """One unit's requirements: {requirement id: (standing, met on)} of those that apply."""

    unit_id: int
    path: str
    level_id: int
    items: dict = field(default_factory=dict)

    @property
    def applicable(self):
        return len(self.items)

    def count(self, *standings):
        n = 0
        for s, _m in self.items.values():
            if s in standings:
                n += 1
        return n

    @property
    def met(self):
        return self.count(ON_TIME, LATE)

    @property
    def complete(self):
        return bool(self.items) and self.met == self.applicable

    @property
    def lagging(self):
        return any(s == OVERDUE for s, _m in self.items.values())

    @property
    def owed(self):
        return self.count(PENDING, OVERDUE)

    @property
    def status(self):
        """COMPLETE, LAGGING (an overdue requirement), UNDERWAY or NOT_APPLICABLE."""
        if not self.items:
            return NOT_APPLICABLE
        if self.complete:
            return COMPLETE
        return LAGGING if self.lagging else UNDERWAY


@dataclass
class Group:
    """A unit below the viewer with its subtree: its own requirements, and its units below."""

    code: str
    unit: object = None
    own: UnitProgress | None = None
    below: int = 0  # units below with something to do
    complete: int = 0
    lagging: int = 0
    standings: dict = field(default_factory=lambda: defaultdict(int))  # over the subtree

    def add(self, progress, own):
        """Count a unit of the subtree: the group's own unit, or one below it."""
        met, overdue = _tally(progress.items, self.standings)
        if own:
            self.own = progress
        elif progress.items:
            self.below += 1
            self.complete += met == len(progress.items)
            self.lagging += overdue > 0

    def add_group(self, group):
        """Count a group's units, its own one included, into this total."""
        units = [group.own] if group.own is not None and group.own.items else []
        self.below += group.below + len(units)
        self.complete += group.complete + sum(u.complete for u in units)
        self.lagging += group.lagging + sum(u.lagging for u in units)
        for s, n in group.standings.items():
            self.standings[s] += n


def _tally(items, standings):
    """Count `items`' standings into `standings`; returns (met, overdue) — one pass, as a
    summary of thousands of units needs."""
    met = overdue = 0
    for s, _m in items.values():
        standings[s] += 1
        if s == ON_TIME or s == LATE:
            met += 1
        elif s == OVERDUE:
            overdue += 1
    return met, overdue


@dataclass
class Progress:
    """A campaign's progress: every unit concerned, and the requirements."""

    campaign: object
    today: datetime.date
    requirements: list
    units: dict  # unit id → UnitProgress (units with nothing to do included)

    def of(self, unit_id):
        return self.units.get(unit_id)

    def summary(self, node_path):
        """(total Group over node_path's subtree, [Group per unit directly below], the
        node's own UnitProgress or None)."""
        depth = node_path.count(PATH_SEP)
        total = Group(code="")
        groups = {}
        own = None
        for p in self.units.values():
            path = p.path
            if not path.startswith(node_path):
                continue
            if path == node_path:
                own = p
                _tally(p.items, total.standings)
                continue
            head = path.split(PATH_SEP, depth + 1)[depth]
            group = groups.get(head)
            if group is None:
                group = groups[head] = Group(code=head)
            group.add(p, own=path.count(PATH_SEP) == depth + 1)
        units = Unit.objects.in_bulk(list(groups), field_name="code") if groups else {}
        out = []
        for code in sorted(groups):
            group = groups[code]
            group.unit = units.get(code)
            total.add_group(group)
            out.append(group)
        return total, out, own

    def lagging(self, node_path=""):
        """The units of node_path's subtree with an overdue requirement, by path."""
        out = []
        for p in self.units.values():
            if p.path.startswith(node_path):
                for s, _m in p.items.values():
                    if s == OVERDUE:
                        out.append(p)
                        break
        out.sort(key=lambda p: p.path)
        return out


def concerned(campaign, within=None, unit_ids=None):
    """{unit id: (path, level id)} of the units the campaign concerns — only those of the
    subtree at path `within` (a path on the campaign's first day) and among `unit_ids`,
    when given."""
    day = campaign.start
    with history.pinned():  # one read of the tree's stamp for the paths and the levels
        paths = history.paths_on(day)
        levels = _levels(history.stamp())
    root = paths.get(campaign.unit_id)
    if root is None:
        return {}
    prefix = within if within and within.startswith(root) else root
    if within and not within.startswith(root) and not root.startswith(within):
        return {}  # a subtree outside the campaign's
    ids = [pk for pk, path in paths.items() if path.startswith(prefix)]
    if unit_ids is not None:
        wanted = set(unit_ids)
        ids = [pk for pk in ids if pk in wanted]
    return {pk: (paths[pk], levels[pk]) for pk in ids if pk in levels}


@lru_cache(maxsize=1)
def _levels(stamp):
    """{unit id: level id} of every unit, kept while the tree is unchanged (`stamp`, as
    `units.history` keeps its paths): asking for the levels of 3,000 ids by a list cost
    more than the rest of a national campaign's progress."""
    return dict(Unit.objects.order_by().values_list("pk", "level_id"))


def met_dates(campaign, requirements, unit_ids, today):
    """{(requirement id, unit id): the day its record met it}, in a few queries."""
    out = {}
    chain = None
    by_kind = defaultdict(list)
    for r in requirements:
        if r.kind == R.ACTIVITY:
            by_kind[r.activity_kind_id].append(r)
    if by_kind or any(r.kind == R.DOCUMENT for r in requirements):
        chain = documents.chain_ids(campaign.plan_id)
    if by_kind:
        dates = activities.sessions_by_unit(chain, by_kind, campaign.start, today, unit_ids)
        for (unit_id, kind_id), days in dates.items():
            for r in by_kind[kind_id]:
                if len(days) >= r.min_count:
                    out[(r.pk, unit_id)] = days[r.min_count - 1]
    document_reqs = [r for r in requirements if r.kind == R.DOCUMENT]
    if document_reqs:
        first = documents.first_implementing(chain, unit_ids)
        for unit_id, day in first.items():
            if campaign.start <= day <= today:
                for r in document_reqs:
                    out[(r.pk, unit_id)] = day
    if any(r.kind == R.RESULTS for r in requirements):
        # No ordering: the model's would join the campaign, requirement and phase tables.
        rows = Result.objects.filter(campaign=campaign, sent_on__lte=today).order_by()
        if unit_ids is not None:
            rows = rows.filter(unit_id__in=list(unit_ids))
        for req_id, unit_id, day in rows.values_list("requirement_id", "unit_id", "sent_on"):
            out[(req_id, unit_id)] = day
    return out


# Past this many units, the records are read for the whole campaign and the units picked
# in Python: a list of ids that long costs more than it saves (and SQLite limits it).
RESTRICT_MAX = 500


def compute(campaign, today=None, within=None, unit_ids=None):
    """The campaign's Progress on `today` (records dated after it are not known yet);
    only the units of the subtree at path `within`, or among `unit_ids`, when given (a
    commune's own standing, the units a home page lists)."""
    # A national campaign's progress is some 20,000 small objects: without the pause, now
    # and then a full collection over everything the process holds doubled a read.
    with gc_paused():
        return _compute(campaign, today or timezone.localdate(), within, unit_ids)


def _compute(campaign, today, within, unit_ids):
    requirements = list(
        campaign.requirements.select_related("phase", "activity_kind").order_by(
            "phase__number", "order", "pk"
        )
    )
    units = concerned(campaign, within, unit_ids)
    some = (within or unit_ids is not None) and len(units) <= RESTRICT_MAX
    if requirements and units:
        met = met_dates(campaign, requirements, list(units) if some else None, today)
    else:
        met = {}
    # Per requirement once: its deadline and the standing of a unit that has not met it.
    reqs = [
        (r.pk, r.level_id, r.phase.end, due.standing(r.phase.end, None, today))
        for r in requirements
    ]
    applies = {}  # level id → the requirements that apply to it, in order
    out = {}
    for unit_id, (path, level_id) in units.items():
        mine = applies.get(level_id)
        if mine is None:
            mine = applies[level_id] = [
                (pk, end, missing) for pk, level, end, missing in reqs if level in (None, level_id)
            ]
        items = {}
        for pk, end, missing in mine:
            day = met.get((pk, unit_id))
            items[pk] = (missing, None) if day is None else (due.standing(end, day, today), day)
        out[unit_id] = UnitProgress(unit_id, path, level_id, items)
    return Progress(campaign, today, requirements, out)
