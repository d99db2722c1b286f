"""What a report's indicator may be computed from in the register (chỉ tiêu tính từ sổ văn
bản): the number of documents a unit received in the window, and the number it
disseminated on time in the window.

Registered as `core.registry.indicator_sources` by `DocumentsConfig.ready()`; the reports
app asks by key and never imports this module. A value counts the unit's OWN recipient
rows (its unit id), never its subtree's: the report's roll-up adds the subtree up.

- received: a recipient row whose `received_at` falls in the window (a day in local time);
- disseminated on time: a recipient row whose dissemination (`disseminated_on`, the day of
  the unit's first session in the activity log) falls in the window, on or before the
  document's dissemination deadline — or with no deadline, which cannot be missed. Each
  document so counts once, in the period its dissemination was recorded.
"""

import datetime

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from giaoban.core import registry
from giaoban.documents.models import Recipient

RECEIVED, ON_TIME = "received", "on_time"


def disseminated_on_time_q():
    """Recipient rows disseminated on or before the document's deadline (or with none)."""
    return Q(disseminated_on__isnull=False) & (
        Q(document__disseminate_by__isnull=True)
        | Q(disseminated_on__lte=F("document__disseminate_by"))
    )


def received_between(start, end):
    """Recipient rows received from the first moment of `start` to the last of `end`
    (local days): a range on the column itself, not a date cast of it."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, zone)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone)
    return Q(received_at__gte=first, received_at__lt=after)


def _counts(rows):
    return {
        row["unit_id"]: row["n"]
        for row in rows.order_by().values("unit_id").annotate(n=Count("pk"))
    }


def received(unit_ids, start, end, params):
    """{unit id: documents it received in start…end}."""
    rows = Recipient.objects.filter(received_between(start, end), unit_id__in=list(unit_ids))
    return _counts(rows)


def disseminated(unit_ids, start, end, params):
    """{unit id: documents it disseminated on time, the dissemination in start…end}."""
    rows = Recipient.objects.filter(
        disseminated_on_time_q(),
        unit_id__in=list(unit_ids),
        disseminated_on__gte=start,
        disseminated_on__lte=end,
    )
    return _counts(rows)


def _link(by):
    def link(unit, start, end, params):
        query = {
            "unit": unit.code,
            "by": by,
            "start": f"{start:%d/%m/%Y}",
            "end": f"{end:%d/%m/%Y}",
        }
        return f"{reverse('documents:incoming')}?{urlencode(query)}"

    return link


RECEIVED_SOURCE = registry.IndicatorSource(
    key="documents.received",
    label=_("Số văn bản đơn vị nhận trong kỳ"),
    group=_("Sổ văn bản"),
    compute=received,
    link=_link(RECEIVED),
    order=20,
)
ON_TIME_SOURCE = registry.IndicatorSource(
    key="documents.disseminated_on_time",
    label=_("Số văn bản đơn vị quán triệt đúng hạn trong kỳ"),
    group=_("Sổ văn bản"),
    compute=disseminated,
    link=_link(ON_TIME),
    order=21,
)


def register():
    registry.indicator_sources.register(RECEIVED_SOURCE)
    registry.indicator_sources.register(ON_TIME_SOURCE)
