"""Yêu cầu của đợt đến hạn — the campaigns' part of the home page's list (registry.due).

- For the user's own units and the units directly below them: every requirement of a
  launched campaign that applies to the unit and that no record has met yet, within its
  deadline (the phase's last day) or overdue, in the task-tracking matrix of `core.due`
  (`progress.compute`: the same standing the campaign page shows). Each links to the
  campaign's page for that unit (`?unit=`); a results requirement links to the results
  form when the user may send them.
- For each of the user's units and each campaign, one line saying how many units directly
  below with something to do have not completed it, and how many are lagging, linking
  to the campaign page's row of units below.

Which campaigns: launched, seen by the user (`Campaign.objects.restrict`), launched by one
of the user's units, a unit above it or a unit directly below it (the only ones whose
requirements can apply to the units listed), and not over for more than FOLLOW_UP_DAYS:
a unit that missed the last phase is still reminded for a month after the campaign's last
day; after that what it did not do stays on the campaign's page (lagging units) and in the
consolidated report, not in a list of what is due.

Queries: the campaigns in one, then one `progress.compute` per campaign restricted to the
units listed (a few queries each, whatever the number of units), and the units below in
one — never a query per unit.
"""

import datetime
import functools

from django.urls import reverse
from django.utils.translation import gettext as _

from giaoban.campaigns import progress, services
from giaoban.campaigns.models import Campaign, Requirement
from giaoban.campaigns.views.common import url as campaign_url
from giaoban.core import due
from giaoban.core.due import OWED, DueContribution, DueItem, DueSummary
from giaoban.core.paths import ancestor_paths
from giaoban.core.scope import VIEW
from giaoban.units import history
from giaoban.units.models import Unit

FOLLOW_UP_DAYS = 30
SORT = 4  # after the documents' obligations (0–2) and the conferences (2, 3) on one day


def campaigns_for(user, anchors, below_paths, today):
    """The launched campaigns whose requirements may apply to the anchors or the units
    directly below them (launched at an anchor, above one, or at a unit directly below
    one), not over for more than FOLLOW_UP_DAYS."""
    paths = {p for a in anchors for p in ancestor_paths(a.path)} | set(below_paths)
    if not paths:
        return []
    return list(
        Campaign.objects.restrict(user, VIEW)
        .filter(
            status=Campaign.Status.LAUNCHED,
            path__in=sorted(paths),
            end__gte=today - datetime.timedelta(days=FOLLOW_UP_DAYS),
        )
        .select_related("unit")
        .order_by("start", "pk")
    )


def link(user, campaign, requirement, unit):
    """The results form for a results requirement the user may send for the unit; else the
    campaign page about the unit, at its own requirements."""
    if requirement.kind == Requirement.Kind.RESULTS and services.may_send_results(
        user, campaign, unit
    ):
        return reverse("campaigns:results", kwargs={"pk": requirement.pk, "code": unit.code})
    return campaign_url(campaign, "#own", unit=unit)


def _item(user, campaign, requirement, unit, own, standing, today):
    phase = requirement.phase
    deadline = phase.end
    return DueItem(
        kind=_("Yêu cầu của đợt sinh hoạt chính trị"),
        title=requirement.title,
        detail=_("%(campaign)s · giai đoạn %(n)s: %(phase)s")
        % {"campaign": campaign.title, "n": phase.number, "phase": phase.title},
        unit=unit,
        own=own,
        deadline=deadline,
        timing=due.timing(deadline, None, today, verb=_("thực hiện")),
        status_label=str(due.STANDING_LABELS[standing]),
        status_css=due.STANDING_CSS[standing],
        url=link(user, campaign, requirement, unit),
        sort_key=(SORT, phase.number, requirement.order, requirement.pk),
    )


def _summary(anchor, campaign, rows):
    """ "Bộ Công an: 2/3 đơn vị trực thuộc chưa hoàn thành các yêu cầu của đợt …" for the
    UnitProgress `rows` of the units directly below `anchor` (None: all complete)."""
    concerned = [p for p in rows if p.applicable]
    owing = [p for p in concerned if not p.complete]
    if not owing:
        return None
    text = _(
        "%(anchor)s: %(owing)s/%(total)s đơn vị trực thuộc chưa hoàn thành các yêu cầu của "
        "%(campaign)s"
    ) % {
        "anchor": anchor.short_name,
        "owing": len(owing),
        "total": len(concerned),
        "campaign": campaign.title[:1].lower() + campaign.title[1:],
    }
    lagging = sum(1 for p in owing if p.lagging)
    if anchor.path.startswith(campaign.path):
        url = campaign_url(campaign, "#children", anchor)
    else:  # launched by the unit below: the page about it, where it stands itself
        url = campaign_url(campaign, "#own")
    return DueSummary(text=text, overdue=lagging, url=url)


def contribution(user, anchors, today):
    """What the user's units and the units directly below owe on the campaigns they take
    part in (the `core.registry.due` provider of this app)."""
    out = DueContribution()
    if not anchors:
        return out
    own = {a.pk: a for a in anchors}
    below = {}  # child id -> anchor
    for anchor in anchors:
        for child_id in history.child_ids_on(anchor.pk, today):
            below.setdefault(child_id, anchor)
    for pk in own:
        below.pop(pk, None)  # an anchor below another anchor counts as the user's own
    today_paths = history.paths_on(today)
    below_paths = [today_paths[pk] for pk in below if pk in today_paths]
    found = []  # (campaign, requirement, unit id, standing)
    for campaign in campaigns_for(user, anchors, below_paths, today):
        result = progress.compute(campaign, today, unit_ids=[*own, *below])
        requirements = {r.pk: r for r in result.requirements}
        by_anchor = {}
        for unit_id, p in result.units.items():
            if unit_id in own:
                out.own_expected += p.applicable
            else:
                by_anchor.setdefault(below[unit_id].pk, []).append(p)
            for req_id, (standing, _met) in p.items.items():
                if standing in OWED:
                    found.append((campaign, requirements[req_id], unit_id, standing))
        for anchor_id, rows in sorted(by_anchor.items(), key=lambda pair: own[pair[0]].path):
            line = _summary(own[anchor_id], campaign, rows)
            if line is not None:
                out.summaries.append(line)
    units = dict(own)
    wanted = {unit_id for _c, _r, unit_id, _s in found if unit_id not in units}
    if wanted:
        units.update(Unit.objects.in_bulk(list(wanted)))
    out.items = [
        _item(user, campaign, requirement, units[unit_id], True, standing, today)
        if unit_id in own
        else _deferred(user, campaign, requirement, units[unit_id], standing, today)
        for campaign, requirement, unit_id, standing in found
        if unit_id in units
    ]
    return out


def _deferred(user, campaign, requirement, unit, standing, today):
    """An item of a unit below: the home page shows a few of them, so only those shown
    are built (`core.due.Deferred`)."""
    return due.Deferred(
        functools.partial(_item, user, campaign, requirement, unit, False, standing, today),
        deadline=requirement.phase.end,
        sort_key=(SORT, requirement.phase.number, requirement.order, requirement.pk),
        unit=unit,
        title=requirement.title,
        own=False,
    )
