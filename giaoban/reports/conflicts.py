"""Two people changing one report at once (docs/decisions.md, "Concurrent writes").

Every change to a report locks its row first (`select_for_update` on PostgreSQL; on SQLite
the IMMEDIATE transaction holds the whole file), so two changes never interleave: the
second waits, then reads what the first wrote. This module says what the second then does:

- a decision the report no longer allows (two leaders, one accepts and one returns) is
  refused saying who changed it, to what, and when (`moved_by`);
- a save of the fill-in page keeps what another person saved since the page was shown:
  the page sends back, beside each box, what it showed there (`Shown`); a box left as
  shown is not written, a box changed here and saved by someone else meanwhile is not
  overwritten but named, with who saved it, when and what it holds (`keep_theirs`).
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.audit.models import AuditEntry
from giaoban.core.formatting import format_number
from giaoban.core.text import nfc
from giaoban.reports import computed
from giaoban.reports.models import Report
from giaoban.reports.validation import NumberError, Problem, parse_number

S = Report.Status


@dataclass
class Shown:
    """What the fill-in page showed in each box when the officer began — sent back beside
    the box, as the page had it. A box the officer did not change is not written (it keeps
    whatever another person saved meanwhile); one the officer changed, and someone else
    saved meanwhile, is not overwritten: it is a conflict, kept as typed, named with what
    it holds now. Without a Shown (the API, older pages) the last save wins, as before."""

    values: dict = field(default_factory=dict)  # indicator code → text shown
    texts: dict = field(default_factory=dict)  # narrative code → text shown
    reasons: dict = field(default_factory=dict)  # computed indicator code → reason shown


_UNREADABLE = object()


def _number(raw, indicator):
    try:
        return parse_number(raw, indicator)
    except NumberError:
        return _UNREADABLE


def _text(raw):
    """A text as compared: NFC, trimmed, line ends as "\n" (a browser sends "\r\n")."""
    return nfc(str(raw or "")).replace("\r\n", "\n").replace("\r", "\n").strip()


def keep_theirs(report, pairs, shown, raw_values, raw_texts, raw_reasons):
    """The entries to save, without the boxes the officer left as shown, and without those
    someone else saved since they were shown (returned as conflict Problems). Runs under
    the report's lock, so what is stored cannot change before the save writes."""
    indicators = {i.code: i for i in report.version.indicators.all()}
    titles = dict(report.version.narratives.values_list("code", "title"))
    computed_codes = {ind.code for ind, _source in pairs}
    rows = computed.stored(report)
    values, texts, reasons = dict(raw_values), dict(raw_texts), dict(raw_reasons)
    lost = []  # (code, name, what it holds now: a Decimal, None, or "" for a text)
    for code in values.keys() | reasons.keys():
        ind = indicators.get(code)
        if ind is None or code not in shown.values:
            continue  # refused by parse_entries, or nothing shown: saved as sent
        row = rows.get(code)
        if code in computed_codes:  # the override and its reason go together
            if code not in shown.reasons:
                continue
            mine = (
                _number(values.get(code, shown.values[code]), ind),
                _text(reasons.get(code, shown.reasons[code])),
            )
            was = (_number(shown.values[code], ind), _text(shown.reasons[code]))
            theirs = (row.value, _text(row.reason)) if row and row.reason else (None, "")
            readable = was[0] is not _UNREADABLE
        else:
            mine = _number(values[code], ind) if code in values else _UNREADABLE
            was = _number(shown.values[code], ind)
            theirs = row.value if row else None
            readable = was is not _UNREADABLE
        if not readable or (mine != was and theirs == was):
            continue  # not what a page shows, or changed here only: saved as sent
        values.pop(code, None)
        reasons.pop(code, None)
        if mine not in (was, theirs):
            lost.append((code, f"{ind.name} ({code})", theirs))
    stored_texts = dict(report.texts.values_list("field__code", "text"))
    for code in list(texts):
        if code not in shown.texts or code not in titles:
            continue
        mine, was = _text(texts[code]), _text(shown.texts[code])
        theirs = _text(stored_texts.get(code))
        if mine != was and theirs == was:
            continue
        del texts[code]
        if mine not in (was, theirs):
            lost.append((code, titles[code], ""))
    return values, texts, reasons, _conflicts(report, lost)


def _conflicts(report, lost):
    """A Problem per box someone else saved while the officer typed in it: who, when, and
    what a figure holds now."""
    if not lost:
        return []
    who, at = last_saved(report)
    out = []
    for code, name, theirs in lost:
        said = {"name": name, "who": who, "time": at}
        if theirs == "":
            message = _(
                "%(name)s: %(who)s đã lưu phần này lúc %(time)s, trong lúc đồng chí nhập; nội "
                "dung đồng chí nhập chưa được lưu. Tải lại trang để xem nội dung mới nhất."
            )
        else:
            if isinstance(theirs, tuple):  # a computed figure: its override, or none
                now = _("theo hồ sơ") if theirs[0] is None else format_number(theirs[0])
            else:
                now = _("để trống") if theirs is None else format_number(theirs)
            said["now"] = now
            message = _(
                "%(name)s: %(who)s đã lưu ô này lúc %(time)s, trong lúc đồng chí nhập (nay là "
                "%(now)s); số đồng chí nhập chưa được lưu. Tải lại trang để xem số liệu mới "
                "nhất."
            )
        out.append(Problem(code, message % said))
    return out


def last_saved(report):
    """(who, "hh:mm") of the report's latest audited change."""
    entry = (
        AuditEntry.objects.filter(model=Report._meta.label, object_id=str(report.pk))
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if entry is None:
        return _("người khác"), "—"
    who = str(entry.actor) if entry.actor else entry.actor_label or _("người khác")
    return who, timezone.localtime(entry.at).strftime("%H:%M")


def moved_by(report, refusal):
    """`refusal`, then who brought the report to the status it has and when: the page (or
    the request) the user acted on showed it as it was before. Two leaders deciding at
    once: the second waits for the first's lock, then reads this."""
    last = report.events.select_related("actor").order_by("at", "id").last()
    if last is None or last.to_status != report.status:
        return refusal
    if last.to_status == S.RETURNED:
        done = _("mở lại") if last.from_status == S.ACCEPTED else _("trả lại")
    else:
        done = {S.SUBMITTED: _("ký gửi"), S.ACCEPTED: _("chấp nhận")}.get(last.to_status)
    if done is None:
        return refusal
    at = timezone.localtime(last.at)
    said = {"done": done, "time": at.strftime("%H:%M"), "date": at.strftime("%d/%m/%Y")}
    if last.actor_id:
        said["who"] = str(last.actor)
        happened = _("Báo cáo đã được %(who)s %(done)s lúc %(time)s ngày %(date)s") % said
    else:
        happened = _("Báo cáo đã được %(done)s lúc %(time)s ngày %(date)s") % said
    return _("%(refusal)s %(happened)s; tải lại trang để xem trạng thái hiện tại.") % {
        "refusal": refusal,
        "happened": happened,
    }
