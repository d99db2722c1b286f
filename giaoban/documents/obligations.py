"""What recipients owe, where each stands, and the chain of implementation down the tree.

A document may ask its recipients to disseminate it (quán triệt) by one date, adopt an
implementation plan (kế hoạch triển khai) by another and report results by a third —
any subset. Each obligation is met by a record, never by ticking a box:

- dissemination: the first session the unit recorded in the activity log for this
  document (kept on the recipient row by `public.set_dissemination`);
- the plan: the unit's own document linked "implements", on its issue date, or a plan
  file uploaded;
- results: a text (with files) sent back.

Its status follows the government's task-tracking matrix, computed from the record's
date, the deadline and today: done on time, done late, not done and still within the
deadline, overdue.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from giaoban.core import due
from giaoban.core.due import LATE, ON_TIME, OVERDUE, PENDING
from giaoban.core.due import STANDING_CSS as STATUS_CSS
from giaoban.core.due import STANDING_LABELS as STATUS_LABELS
from giaoban.core.due import SubtreeTally as Tally
from giaoban.core.due import standing as status
from giaoban.documents.models import Document, DocumentLink, Recipient
from giaoban.units import rules
from giaoban.units.models import Unit

# The matrix (statuses, labels, per-subtree tallies) is core.due's, shared with the
# conferences' follow-up tasks; these names stay for the register's callers.
__all__ = ["LATE", "ON_TIME", "OVERDUE", "PENDING", "STATUS_CSS", "STATUS_LABELS", "Tally"]

DISSEMINATE, PLAN, REPORT = "disseminate", "plan", "report"


@dataclass(frozen=True)
class Obligation:
    key: str
    label: object  # lazy text
    deadline_field: str  # on Document
    met_field: str  # on Recipient
    verb: object


OBLIGATIONS = (
    Obligation(DISSEMINATE, _("Quán triệt"), "disseminate_by", "disseminated_on", _("quán triệt")),
    Obligation(PLAN, _("Kế hoạch triển khai"), "plan_by", "plan_on", _("có kế hoạch")),
    Obligation(REPORT, _("Báo cáo kết quả"), "report_by", "results_on", _("báo cáo")),
)
BY_KEY = {o.key: o for o in OBLIGATIONS}


def asked(document):
    """The obligations the document asks for, in order."""
    return [o for o in OBLIGATIONS if getattr(document, o.deadline_field)]


@dataclass
class Standing:
    """One obligation of one recipient: its status and how it reads."""

    obligation: Obligation
    deadline: datetime.date
    met_on: datetime.date | None
    status: str

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def css(self):
        return STATUS_CSS[self.status]

    @property
    def timing(self):
        return due.timing(self.deadline, self.met_on, verb=str(self.obligation.verb))


def standings(document, recipient, today=None):
    """[Standing] of a recipient, one per obligation the document asks for."""
    out = []
    for o in asked(document):
        deadline = getattr(document, o.deadline_field)
        met_on = getattr(recipient, o.met_field)
        out.append(Standing(o, deadline, met_on, status(deadline, met_on, today)))
    return out


def owed(document, recipient, today=None):
    """The standings still to do (pending or overdue), nearest deadline first."""
    return sorted(
        (s for s in standings(document, recipient, today) if s.status in (PENDING, OVERDUE)),
        key=lambda s: s.deadline,
    )


# ---------------------------------------------------------------- recipients of a rule


RuleError = rules.RuleError


def resolve(document, day, explicit_units=()):
    """The units a document issued on `day` goes to: [(unit, path on that day)] (the rule
    is read against the tree as it stood on `day`: `units.rules.resolve`)."""
    return rules.resolve(
        document.unit,
        document.recipient_rule,
        day,
        level=document.recipient_level_id,
        explicit_units=explicit_units,
        inactive=gettext("Đơn vị ban hành không hoạt động vào ngày ban hành."),
    )


# ---------------------------------------------------------------- progress, per subtree


def recipient_rows(document, within=None):
    """(unit id, path, disseminated_on, plan_on, results_on) of the recipients, in path order
    (`within`: only those under that path)."""
    # Read by the document's index alone, the subtree kept in Python: a document has at
    # most a few thousand recipients, and a path filter in SQL lets a planner without
    # statistics intersect the path index too (PostgreSQL read all 500,000 index entries
    # under the ministry's path: 12 ms against 1.6 ms).
    rows = (
        Recipient.objects.filter(document=document)
        .order_by("path")
        .values_list("unit_id", "path", "disseminated_on", "plan_on", "results_on")
    )
    if within:
        return [row for row in rows if row[1].startswith(within)]
    return list(rows)


def summary(document, node_path, today=None, rows=None):
    """(total Tally, [Tally per unit directly below node_path]) of the document's
    recipients within node_path, each group the unit and its subtree.

    The recipient rows are read once (unit, path and three dates: ~3,400 rows for a
    document to every province and commune), statuses counted in Python.
    """
    today = today or timezone.localdate()
    rows = rows if rows is not None else recipient_rows(document, node_path)
    # (key, position of its date in a row, deadline), read once, not once a row.
    column = {DISSEMINATE: 2, PLAN: 3, REPORT: 4}
    wanted = [
        (o.key, column[o.key], getattr(document, o.deadline_field), None) for o in asked(document)
    ]
    total, groups = due.tally_rows(rows, node_path, wanted, today)
    units = Unit.objects.in_bulk(list(groups), field_name="code") if groups else {}
    out = []
    for code in sorted(groups):
        tally = groups[code]
        tally.unit = units.get(code)
        out.append(tally)
    return total, out


# ---------------------------------------------------------------- the chain down the tree


@dataclass
class ChainLink:
    """A recipient's implementing document and how its own recipients stand."""

    recipient: Recipient
    plan: Document | None
    plan_status: str | None  # against the parent's plan deadline
    total: Tally | None  # the plan's recipients
    later_deadlines: list  # the plan's deadlines later than the parent's (warnings)


def implementing(document):
    """The issued documents that implement `document`, by issuing unit path."""
    return list(
        Document.objects.filter(
            links_out__target=document,
            links_out__kind=DocumentLink.Kind.IMPLEMENTS,
            status__in=(Document.Status.ISSUED,),
        )
        .select_related("unit", "kind", "issuer")
        .order_by("path")
    )


def later_deadlines(child, parent):
    """The obligations whose deadline in `child` is after the same one in `parent`."""
    out = []
    for o in OBLIGATIONS:
        mine, theirs = getattr(child, o.deadline_field), getattr(parent, o.deadline_field)
        if mine and theirs and mine > theirs:
            out.append((o, mine, theirs))
    return out


def chain(document, recipients, today=None):
    """ChainLinks for the given recipients of `document` (a page of them)."""
    today = today or timezone.localdate()
    plans = {}
    for plan in implementing(document):
        plans.setdefault(plan.unit_id, plan)
    out = []
    for r in recipients:
        plan = plans.get(r.unit_id)
        total = None
        later = []
        if plan is not None:
            total, _groups = summary(plan, plan.path, today)
            later = later_deadlines(plan, document)
        out.append(
            ChainLink(
                recipient=r,
                plan=plan,
                plan_status=status(document.plan_by, r.plan_on, today),
                total=total,
                later_deadlines=later,
            )
        )
    return out
