"""Server-rendered SVG charts (biểu đồ) for dashboards of every app.

No JavaScript charting library and nothing from the internet: each function returns
one <svg> element as a string. Every piece of text that comes from data (unit names,
indicator names, links) is escaped here, so the result is safe to put in a page; the
only `mark_safe` is on this module's own escaped output. Colours are SVG presentation
attributes (allowed by the Content-Security-Policy, unlike style="" or <style>).

Each chart can be drawn wide (desktop) or narrow (phone): the page includes both and
CSS shows one, so text keeps a readable size instead of shrinking with the viewBox.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from giaoban.core.formatting import format_number, format_percent

FONT = 13
WIDE, NARROW = 680, 360

SERIES_COLOURS = ("#0b57d0", "#8ab4f8", "#c4c7cc")


@dataclass(frozen=True)
class Segment:
    """One kind of count in a stacked bar (e.g. reports accepted), in stacking order."""

    key: str
    label: str
    colour: str
    done: bool = False  # counts towards the share written beside the bar


@dataclass
class StackedBar:
    """One unit: counts per segment out of its total (e.g. reports expected)."""

    label: str
    total: int
    counts: dict  # segment key → count
    href: str = ""

    def done(self, segments):
        return sum(self.counts.get(s.key, 0) for s in segments if s.done)

    def rate(self, segments):
        return self.done(segments) / self.total if self.total else 0.0


@dataclass
class IndicatorGroup:
    """One indicator with its value for each series (this period, previous, last year)."""

    label: str
    unit_of_measure: str
    values: list  # Decimal | None per series
    href: str = ""
    notes: list = field(default_factory=list)


def _attr(value):
    return quoteattr(str(value))


def _num(x):
    """Coordinates with at most one decimal, no exponent."""
    return format(round(float(x), 1), "g") if x else "0"


def _clip(text, limit):
    text = str(text)
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def _text(x, y, content, anchor="start", cls="", weight=None, fill=None):
    attrs = [f"x={_attr(_num(x))}", f"y={_attr(_num(y))}"]
    if anchor != "start":
        attrs.append(f"text-anchor={_attr(anchor)}")
    if cls:
        attrs.append(f"class={_attr(cls)}")
    if weight:
        attrs.append(f"font-weight={_attr(weight)}")
    if fill:
        attrs.append(f"fill={_attr(fill)}")
    return f"<text {' '.join(attrs)}>{escape(str(content))}</text>"


def _rect(x, y, w, h, fill, title=None, cls=""):
    attrs = (
        f"x={_attr(_num(x))} y={_attr(_num(y))} width={_attr(_num(w))} "
        f"height={_attr(_num(h))} fill={_attr(fill)}"
    )
    if cls:
        attrs += f" class={_attr(cls)}"
    if title:
        return f"<rect {attrs}><title>{escape(str(title))}</title></rect>"
    return f"<rect {attrs}/>"


def _svg(width, height, label, body, cls):
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class={_attr("chart " + cls)} '
        f"viewBox={_attr(f'0 0 {width} {_num(height)}')} width={_attr(width)} "
        f'height={_attr(_num(height))} role="img" aria-label={_attr(label)} '
        f'font-size="{FONT}">'
    )
    return mark_safe(head + f"<title>{escape(label)}</title>" + "".join(body) + "</svg>")  # noqa: S308 — every piece of text above is escaped


def _link(href, inner):
    if not href:
        return inner
    return f"<a href={_attr(href)}>{inner}</a>"


def _legend(items, width, y):
    """A wrapping row of colour swatches; returns (parts, height used)."""
    parts, x, line = [], 0, 0
    for label, colour in items:
        size = 12 + 6 + len(label) * 7 + 16
        if x and x + size > width:
            x, line = 0, line + 1
        top = y + line * 20
        parts.append(_rect(x, top, 12, 12, colour, cls="swatch"))
        parts.append(_text(x + 18, top + 11, label, cls="legend"))
        x += size
    return parts, (line + 1) * 20


def stacked_chart(bars, segments, title, layout="wide", empty_text=""):
    """Stacked horizontal bars: each unit's counts by segment, as a share of its total.

    Bars are normalised to 100 % of each unit's total, so units of different sizes
    compare; "share (done/total)" is written beside each bar, counting the segments
    marked `done`.
    """
    width = WIDE if layout == "wide" else NARROW
    body, legend_h = _legend([(s.label, s.colour) for s in segments], width, 0)
    y = legend_h + 6
    if layout == "wide":
        label_w, value_w, row_h, bar_h = 190, 110, 24, 16
    else:
        label_w, value_w, row_h, bar_h = 0, 0, 40, 14
    bar_w = width - label_w - value_w
    if not bars:
        body.append(_text(0, y + 16, empty_text, cls="muted"))
        return _svg(width, y + 28, title, body, f"stacked {layout}")
    for bar in bars:
        done = bar.done(segments)
        rate = format_percent(bar.rate(segments) * 100, 0, signed=False)
        done_text = f"{rate} ({done}/{bar.total})"
        if layout == "wide":
            text_y, bar_y = y + bar_h - 3, y + 2
            body.append(_link(bar.href, _text(0, text_y, _clip(bar.label, 27), cls="label")))
            body.append(_text(width, text_y, done_text, anchor="end", cls="value"))
            x0 = label_w
        else:
            body.append(_link(bar.href, _text(0, y + FONT, _clip(bar.label, 30), cls="label")))
            body.append(_text(width, y + FONT, done_text, anchor="end", cls="value"))
            bar_y = y + FONT + 6
            x0 = 0
        body.append(_bar_segments(bar, segments, x0, bar_y, bar_w, bar_h))
        y += row_h
    return _svg(width, y + 4, title, body, f"stacked {layout}")


def _bar_segments(bar, segments, x0, y, width, height):
    parts, x = [f"<g class={_attr('bar')}>"], x0
    parts.append(_rect(x0, y, width, height, "#ffffff", cls="track"))
    if bar.total:
        for segment in segments:
            count = bar.counts.get(segment.key, 0)
            if count <= 0:
                continue
            w = width * count / bar.total
            tip = f"{bar.label} — {segment.label}: {count}/{bar.total}"
            parts.append(
                _rect(x, y, w, height, segment.colour, title=tip, cls=f"seg {segment.key}")
            )
            x += w
    parts.append("</g>")
    return "".join(parts)


def comparison_chart(groups, series, title, layout="wide", legend=None):
    """Grouped horizontal bars: each main indicator this period, previous period, last year.

    Each indicator is scaled to its own largest value (their magnitudes differ by
    orders: sessions vs participants); every bar carries its figure, so no common axis
    is implied. `series` names the bars of a group (short: "Kỳ này"); `legend`, if
    given, is what the legend says of each (long: "Kỳ này: 6 tháng đầu năm 2026").
    """
    width = WIDE if layout == "wide" else NARROW
    colours = SERIES_COLOURS[: len(series)]
    legend = legend or series
    body, legend_h = _legend(list(zip(legend, colours, strict=True)), width, 0)
    y = legend_h + 8
    series_w = 130 if layout == "wide" else 0
    value_w = 110 if layout == "wide" else 92
    bar_h, gap = 14, 4
    if not groups:
        body.append(_text(0, y + 16, _("Mẫu báo cáo chưa có chỉ tiêu chính."), cls="muted"))
        return _svg(width, y + 28, title, body, f"comparison {layout}")
    for group in groups:
        limit = 80 if layout == "wide" else 44
        head = f"{group.label} ({group.unit_of_measure})" if group.unit_of_measure else group.label
        body.append(
            _link(group.href, _text(0, y + FONT, _clip(head, limit), cls="label", weight="600"))
        )
        y += FONT + 6
        values = [v for v in group.values if v is not None]
        top = max((abs(Decimal(v)) for v in values), default=Decimal(0))
        bar_w = width - series_w - value_w
        parts = [f"<g class={_attr('group')}>"]
        for name, colour, value in zip(series, colours, group.values, strict=True):
            if layout == "wide":
                parts.append(_text(0, y + bar_h - 3, name, cls="series"))
            shown = format_number(value, max_decimals=2)
            w = float(bar_w * abs(Decimal(value)) / top) if value is not None and top else 0
            tip = f"{group.label} — {name}: {shown}"
            parts.append(_rect(series_w, y, max(w, 0), bar_h, colour, title=tip, cls="val"))
            parts.append(_text(series_w + bar_w + 6, y + bar_h - 3, shown, cls="value"))
            y += bar_h + gap
        parts.append("</g>")
        body.append("".join(parts))
        y += 10
    return _svg(width, y, title, body, f"comparison {layout}")
