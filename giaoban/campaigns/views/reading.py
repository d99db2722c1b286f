"""What the campaign page reads for the unit it is about (the node), from one
`progress.compute` over the node's subtree:

- the node's own requirements, each with its standing in the task-tracking matrix and the
  records that met it — the activities (of the kind, linked to the campaign's chain of
  plans), the unit's implementing document, its results with their files — those the user
  may open linked to their pages;
- how each requirement stands over the subtree (units done on time, late, pending,
  overdue);
- one row per unit directly below: its own requirements met x of y, its units below
  complete x of y, lagging z (`Progress.summary`);
- the lagging units of the subtree with what each has overdue.

Long lists are paged: the ministry's campaign concerns 3,355 units, a province's row of
communes a hundred.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from giaoban.activities import public as activities
from giaoban.campaigns import progress, services
from giaoban.campaigns.models import Requirement, Result
from giaoban.core import due
from giaoban.core.due import LATE, ON_TIME, OVERDUE, PENDING, STANDING_CSS, STANDING_LABELS
from giaoban.documents import public as documents
from giaoban.units.models import Unit

K = Requirement.Kind
ORDER = (ON_TIME, LATE, PENDING, OVERDUE)
CHILDREN_PAGE, CHILDREN_PARAM = 50, "nhom"
LAGGING_PAGE, LAGGING_PARAM = 25, "cham"


def how_met(requirement):
    """The record that meets a requirement, in words."""
    if requirement.kind == K.ACTIVITY:
        kind = requirement.activity_kind.name if requirement.activity_kind_id else ""
        if requirement.min_count > 1:
            return _("Tổ chức ít nhất %(n)s hoạt động “%(kind)s” gắn với kế hoạch của đợt") % {
                "n": requirement.min_count,
                "kind": kind,
            }
        return _("Tổ chức hoạt động “%(kind)s” gắn với kế hoạch của đợt") % {"kind": kind}
    if requirement.kind == K.DOCUMENT:
        return _("Ban hành văn bản triển khai kế hoạch của đợt (kế hoạch của đơn vị)")
    return _("Gửi báo cáo kết quả (kèm tệp)")


def level_label(requirement):
    return requirement.level.name if requirement.level_id else _("Mọi đơn vị")


def phases_with_requirements(campaign, requirements=None):
    """The phases in order, each with its requirements (words for how each is met)."""
    if requirements is None:
        requirements = list(
            campaign.requirements.select_related("phase", "level", "activity_kind").order_by(
                "phase__number", "order", "pk"
            )
        )
    phases = list(campaign.phases.order_by("number"))
    by_phase = {p.pk: [] for p in phases}
    for r in requirements:
        r.how = how_met(r)
        r.level_text = level_label(r)
        by_phase.setdefault(r.phase_id, []).append(r)
    for p in phases:
        p.shown_requirements = by_phase.get(p.pk, [])
    return phases


# ------------------------------------------------------------------ the node's own


@dataclass
class OwnItem:
    requirement: object
    standing: str
    met_on: object
    timing: object
    records: list = field(default_factory=list)  # [(label, url or "")]
    result: object = None
    may_send: bool = False

    @property
    def label(self):
        return STANDING_LABELS[self.standing]

    @property
    def css(self):
        return STANDING_CSS[self.standing]

    @property
    def deadline(self):
        return self.requirement.phase.end


def own_items(user, campaign, node, mine, requirements, today):
    """The node's own requirements (those that apply to it), with their records."""
    if mine is None or not mine.items:
        return []
    by_id = {r.pk: r for r in requirements}
    items = []
    for req_id, (standing, met_on) in mine.items.items():
        r = by_id[req_id]
        items.append(
            OwnItem(
                r, standing, met_on, due.timing(r.phase.end, met_on, today, verb=_("thực hiện"))
            )
        )
    kinds = {i.requirement.activity_kind_id for i in items if i.requirement.kind == K.ACTIVITY}
    wants_document = any(i.requirement.kind == K.DOCUMENT for i in items)
    chain = documents.chain_ids(campaign.plan_id) if kinds or wants_document else set()
    sessions = (
        activities.sessions_of(user, node.pk, chain, kinds, campaign.start, today) if kinds else []
    )
    plans = documents.implementing_by(user, node.pk, chain) if wants_document else []
    results = {
        r.requirement_id: r
        for r in Result.objects.filter(campaign=campaign, unit=node).prefetch_related("files")
    }
    may_send = services.may_send_results(user, campaign, node)
    for item in items:
        r = item.requirement
        item.may_send = may_send  # the user may record for the unit (activities, results)
        if r.kind == K.ACTIVITY:
            item.records = [
                (str(a), activities.url(a)) for a in sessions if a.kind_id == r.activity_kind_id
            ]
        elif r.kind == K.DOCUMENT:
            item.records = [(str(d), documents.url(d)) for d in plans]
        else:
            item.result = results.get(r.pk)
    return items


# ------------------------------------------------------------------ over the subtree


@dataclass
class RequirementTally:
    requirement: object
    counts: dict

    @property
    def units(self):
        return sum(self.counts.values())

    @property
    def done(self):
        return self.counts[ON_TIME] + self.counts[LATE]

    def cells(self):
        return [(s, self.counts[s], STANDING_LABELS[s], STANDING_CSS[s]) for s in ORDER]


def per_requirement(result, node_path):
    """How each requirement stands over the node's subtree (the node included)."""
    counts = {r.pk: dict.fromkeys(ORDER, 0) for r in result.requirements}
    for p in result.units.values():
        if not p.path.startswith(node_path):
            continue
        for req_id, (standing, _met) in p.items.items():
            counts[req_id][standing] += 1
    return [RequirementTally(r, counts[r.pk]) for r in result.requirements]


def status_of(p):
    s = p.status if p is not None else progress.NOT_APPLICABLE
    return progress.UNIT_STATUS_LABELS[s], progress.UNIT_STATUS_CSS[s]


def child_rows(groups):
    """One row per unit directly below the node."""
    rows = []
    for g in groups:
        own = g.own
        label, css = status_of(own)
        rows.append(
            {
                "unit": g.unit,
                "code": g.code,
                "own": own,
                "own_overdue": own.count(OVERDUE) if own else 0,
                "status_label": label,
                "status_css": css,
                "below": g.below,
                "complete": g.complete,
                "lagging": g.lagging,
            }
        )
    return rows


def page_of(request, rows, size, param):
    return Paginator(rows, size).get_page(request.GET.get(param))


def lagging_rows(page, requirements):
    """The units of a page of lagging UnitProgress, with what each has overdue."""
    ids = [p.unit_id for p in page.object_list]
    units = Unit.objects.select_related("level", "parent").in_bulk(ids)
    titles = {r.pk: r.title for r in requirements}
    deadlines = {r.pk: r.phase.end for r in requirements}
    out = []
    for p in page.object_list:
        overdue = [
            (titles[req_id], deadlines[req_id])
            for req_id, (standing, _m) in p.items.items()
            if standing == OVERDUE
        ]
        out.append({"unit": units.get(p.unit_id), "overdue": overdue, "progress": p})
    return out


def totals(result, node_path):
    """The subtree's counts: its units below with something to do, complete, lagging; and
    every requirement of every unit (the node's own included) by standing."""
    total, groups, own = result.summary(node_path)
    standings = [(s, STANDING_LABELS[s], total.standings.get(s, 0)) for s in ORDER]
    return total, groups, own, standings
