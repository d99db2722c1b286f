"""Việc đến hạn — what a unit owes by a date, and how that is shown, for every app.

A report to submit, a document to disseminate, a task from the last conference: each is
an obligation with a deadline. `standing()` places it in the government's task-tracking
matrix (done on time, done late, not done and still within the deadline, overdue) —
computed from the deadline, the date the record met it and today, never stored;
`SubtreeTally`/`tally_rows` count standings per unit below a node. `timing()` says
where it stands in words (days left, due today, overdue; done on time or late) the same
way on every page; `DueItem` is one line of the home page's single list of what is due,
whichever app it comes from. Apps contribute through `core.registry.due` (see there for
the provider's signature).

One mechanism for "a unit owes this by that date": the documents' obligations
(quán triệt, kế hoạch, báo cáo kết quả) and the conferences' follow-up tasks both read
their standing and their per-subtree counts from here.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from giaoban.core.paths import PATH_SEP

# ------------------------------------------------------------ the task-tracking matrix

ON_TIME, LATE, PENDING, OVERDUE = "on_time", "late", "pending", "overdue"
STANDINGS = (ON_TIME, LATE, PENDING, OVERDUE)
STANDING_LABELS = {
    ON_TIME: gettext_lazy("Đã thực hiện đúng hạn"),
    LATE: gettext_lazy("Đã thực hiện, quá hạn"),
    PENDING: gettext_lazy("Chưa thực hiện, còn hạn"),
    OVERDUE: gettext_lazy("Quá hạn, chưa thực hiện"),
}
STANDING_CSS = {ON_TIME: "ok", LATE: "warn", PENDING: "", OVERDUE: "err"}
OWED = (PENDING, OVERDUE)


def standing(deadline, met_on, today=None):
    """ON_TIME / LATE / PENDING / OVERDUE of one obligation (None: nothing asked).

    On the deadline day itself a record is on time and a missing one is still within the
    deadline; from the day after, a missing one is overdue and a new one late.
    """
    if deadline is None:
        return None
    if met_on is not None:
        if isinstance(met_on, datetime.datetime):
            met_on = timezone.localtime(met_on).date()
        return ON_TIME if met_on <= deadline else LATE
    today = today or timezone.localdate()
    return PENDING if today <= deadline else OVERDUE


@dataclass
class SubtreeTally:
    """How the obligations of one group (a unit below the viewer, with its subtree) stand:
    `counts[key][standing]`, `key` naming the obligation ("disseminate", "task"…)."""

    unit: object = None
    items: int = 0  # rows counted (recipients, tasks)
    counts: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    @property
    def recipients(self):  # the register's word for the rows counted
        return self.items

    @recipients.setter
    def recipients(self, value):
        self.items = value

    def count(self, key, standing_):
        return self.counts[key][standing_]

    def done(self, key):
        return self.counts[key][ON_TIME] + self.counts[key][LATE]

    def owed(self, key):
        return self.counts[key][PENDING] + self.counts[key][OVERDUE]

    def cells(self, keys):
        """[(key, done, on_time, late, pending, overdue)] for a table row."""
        return [
            (
                k,
                self.done(k),
                self.counts[k][ON_TIME],
                self.counts[k][LATE],
                self.counts[k][PENDING],
                self.counts[k][OVERDUE],
            )
            for k in keys
        ]


def tally_rows(rows, node_path, wanted, today=None):
    """(total, {child code: SubtreeTally}) of `rows` under `node_path`, grouped by the unit
    directly below the node that each row's path lies under ("" for the node itself).

    `rows` are tuples whose second item is the owing unit's path. Each item of `wanted` is
    (key, index of the row's met date, fixed deadline, index of the row's deadline): the
    deadline is the fixed one (a document's, the same for every recipient) or, when the
    fixed one is None, the row's own at that index (a task's). Rows are first counted by
    (group, standings): a few hundred distinct keys for thousands of rows."""
    today = today or timezone.localdate()
    depth = node_path.count(PATH_SEP)
    seen = Counter()
    for row in rows:
        parts = row[1].split(PATH_SEP)
        head = parts[depth] if len(parts) > depth else ""
        seen[
            (
                head,
                *(
                    standing(fixed if at is None else row[at], row[i], today)
                    for _k, i, fixed, at in wanted
                ),
            )
        ] += 1
    total = SubtreeTally()
    groups = {}
    for (head, *states), n in seen.items():
        group = groups.get(head)
        if group is None:
            group = groups[head] = SubtreeTally()
        total.items += n
        group.items += n
        for (key, *_rest), s in zip(wanted, states, strict=True):
            if s is not None:
                total.counts[key][s] += n
                group.counts[key][s] += n
    return total, groups


@dataclass(frozen=True)
class Timing:
    """Where an obligation stands against its deadline.

    kind: "left" (days to go), "today", "overdue" (not done, deadline passed), "on_time"
    or "late" (done, judged by when it was first done). `verb` names what doing it is
    ("gửi" for a report), so that a late one reads "gửi muộn 3 ngày".
    """

    kind: str
    days: int
    verb: str = ""

    @property
    def label(self):
        n = {"n": self.days}
        if self.kind == "left":
            return ngettext("còn %(n)s ngày", "còn %(n)s ngày", self.days) % n
        if self.kind == "today":
            return _("hạn chót hôm nay")
        if self.kind == "overdue":
            return ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", self.days) % n
        verb = self.verb or _("hoàn thành")
        if self.kind == "late":
            return ngettext("%(verb)s muộn %(n)s ngày", "%(verb)s muộn %(n)s ngày", self.days) % {
                **n,
                "verb": verb,
            }
        return _("%(verb)s đúng hạn") % {"verb": verb}

    @property
    def css(self):
        return {"overdue": "err", "late": "warn", "today": "warn", "on_time": "ok"}.get(
            self.kind, ""
        )

    @property
    def is_overdue(self):
        return self.kind == "overdue"


def timing(deadline, done_at=None, today=None, verb=""):
    """The Timing of an obligation due on `deadline`, done at `done_at` (None: not yet)."""
    if done_at is not None:
        done = done_at
        if isinstance(done_at, datetime.datetime):
            done = timezone.localtime(done_at).date()
        late = (done - deadline).days
        return Timing("late", late, verb) if late > 0 else Timing("on_time", 0, verb)
    today = today or timezone.localdate()
    left = (deadline - today).days
    if left > 0:
        return Timing("left", left, verb)
    if left == 0:
        return Timing("today", 0, verb)
    return Timing("overdue", -left, verb)


@dataclass
class DueItem:
    """One thing a unit owes: a line of the home page's list."""

    kind: str  # what it is, for the reader: "Báo cáo", "Văn bản cần quán triệt"…
    title: str
    detail: str  # e.g. the period, in words
    unit: object  # the Unit that owes it
    own: bool  # the user's own unit (True) or a unit directly below (False)
    deadline: datetime.date
    timing: Timing
    status_label: str
    status_css: str
    url: str
    sort_key: tuple = ()  # ties on the same deadline: lowest first


class Deferred:
    """A DueItem not built yet: what `merge` sorts on, and how to build it.

    A unit below owes many items but the home page shows CHILDREN_CAP of them: a
    provider may hand these instead of DueItems, and only the ones shown are built
    (their links and words cost more than sorting). `title` takes part in the order."""

    __slots__ = ("build", "deadline", "own", "sort_key", "title", "unit")

    def __init__(self, build, *, deadline, sort_key, unit, title, own):
        self.build = build  # () -> DueItem with these same deadline, sort key, unit, title
        self.deadline = deadline
        self.sort_key = sort_key
        self.unit = unit
        self.title = title
        self.own = own


def _built(item):
    return item.build() if isinstance(item, Deferred) else item


@dataclass
class DueSummary:
    """ "x of y units below have not …": one line per role unit and obligation."""

    text: str
    overdue: int
    url: str


@dataclass
class Awaiting:
    """Something waiting for this user's decision (a report to accept or return…)."""

    kind: str
    title: str
    detail: str
    unit: object
    since: datetime.datetime | None
    url: str
    timing: Timing | None = None
    sort_key: tuple = ()


@dataclass
class DueContribution:
    """What one app adds to the home page for one user."""

    items: list = field(default_factory=list)  # DueItem, or Deferred (built if shown)
    summaries: list = field(default_factory=list)
    awaiting: list = field(default_factory=list)
    awaiting_total: int = 0
    own_expected: int = 0  # obligations of the user's own units, pending or not
    awaiting_url: str = ""  # the full list of what awaits the user


@dataclass
class DueList:
    """The home page's list: every app's contribution merged, nearest deadline first."""

    own: list = field(default_factory=list)
    children: list = field(default_factory=list)  # the units below, capped
    children_total: int = 0
    own_expected: int = 0
    summaries: list = field(default_factory=list)
    awaiting: list = field(default_factory=list)
    awaiting_total: int = 0
    awaiting_urls: list = field(default_factory=list)

    @property
    def hidden(self):
        return self.children_total - len(self.children)


CHILDREN_CAP = 10  # rows for the units below; the rest is one click away
AWAITING_CAP = 5


def merge(contributions):
    """One DueList from the apps' contributions."""
    out = DueList()
    items = []
    for c in contributions:
        items.extend(c.items)
        out.summaries.extend(c.summaries)
        out.awaiting.extend(c.awaiting)
        out.awaiting_total += c.awaiting_total
        out.own_expected += c.own_expected
        if c.awaiting_url and c.awaiting_total > len(c.awaiting):
            out.awaiting_urls.append(c.awaiting_url)
    items.sort(key=lambda i: (i.deadline, i.sort_key, i.unit.path, i.title))
    out.own = [_built(i) for i in items if i.own]
    children = [i for i in items if not i.own]
    out.children_total = len(children)
    out.children = [_built(i) for i in children[:CHILDREN_CAP]]
    out.awaiting.sort(key=lambda a: a.sort_key)
    out.awaiting = out.awaiting[:AWAITING_CAP]
    return out
