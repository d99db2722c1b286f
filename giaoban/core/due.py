"""Việc đến hạn — what a unit owes by a date, and how that is shown, for every app.

A report to submit, a document to disseminate, a task from the last conference: each is
an obligation with a deadline. `timing()` says where it stands (days left, due today,
overdue; done on time or late) the same way on every page; `DueItem` is one line of the
home page's single list of what is due, whichever app it comes from. Apps contribute
through `core.registry.due` (see there for the provider's signature).
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


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

    items: list = field(default_factory=list)
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
    out.own = [i for i in items if i.own]
    children = [i for i in items if not i.own]
    out.children_total = len(children)
    out.children = children[:CHILDREN_CAP]
    out.awaiting.sort(key=lambda a: a.sort_key)
    out.awaiting = out.awaiting[:AWAITING_CAP]
    return out
