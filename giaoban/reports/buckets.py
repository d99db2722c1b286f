"""Roll-up bucket arithmetic (phép cộng số liệu tổng hợp) — the one place it is written.

A bucket holds, per indicator code, what is needed to give the figure of a set of
reports under any aggregation: [sum, count, minimum, maximum]. Two forms:

- stored (in `Rollup` rows, JSON): numbers as strings, exact ("12.5"), count an int;
- working (while adding up): Decimals, so sums stay exact.

Everything that adds reports up — the live roll-up moved by each workflow transition,
the bottom-up tally of a bulk import, the from-scratch recomputation the invariant test
compares against, the sum of a unit's children on the review page, the figures of a
period through lineage shares — goes through these functions. Nothing here touches the
database.
"""

from collections import Counter, defaultdict
from decimal import Decimal
from functools import lru_cache

from giaoban.core.paths import PATH_SEP
from giaoban.core.paths import codes as path_codes

SUM, AVG, MIN, MAX, NONE = "sum", "avg", "min", "max", "none"
ACCEPTED, SUBMITTED = "accepted", "submitted"
AVG_PLACES = Decimal("0.01")

# Figures repeat a lot between child rows and between reads (small counts especially);
# Decimals are immutable, so one per distinct string can be shared. ~5 MB at most.
shared_decimal = lru_cache(maxsize=1 << 15)(Decimal)


def to_decimal(text):
    return Decimal(text) if text is not None else None


def to_text(value):
    return None if value is None else format(value.normalize(), "f")


# ---------------------------------------------------------------- stored buckets, live


def add_report(bucket, values, sign):
    """Add (sign=1) or remove (sign=-1) one report's values from a stored bucket, in place.

    Returns the codes whose minimum or maximum left with the report removed: only the
    remaining reports can say what the new extreme is (the caller recomputes them).
    """
    stale = []
    for code, value in values.items():
        if value is None:
            continue
        total, count, low, high = bucket.get(code, ["0", 0, None, None])
        total = to_decimal(total) + sign * value
        count += sign
        if sign > 0:
            low = to_text(value) if low is None or value < to_decimal(low) else low
            high = to_text(value) if high is None or value > to_decimal(high) else high
        elif (low is not None and value <= to_decimal(low)) or (
            high is not None and value >= to_decimal(high)
        ):
            stale.append(code)
        if count <= 0:
            bucket.pop(code, None)
        else:
            bucket[code] = [to_text(total), count, low, high]
    return stale


def set_extremes(bucket, code, low, high):
    entry = bucket.get(code)
    if entry:
        entry[2], entry[3] = to_text(low), to_text(high)


# ---------------------------------------------------------------- working buckets


def accumulate(acc, values):
    """Add one report's {code: Decimal} into a working bucket."""
    for code, value in values.items():
        if value is None:
            continue
        entry = acc.get(code)
        if entry is None:
            acc[code] = [value, 1, value, value]
        else:
            entry[0] += value
            entry[1] += 1
            if value < entry[2]:
                entry[2] = value
            if value > entry[3]:
                entry[3] = value
    return acc


def merge(acc, other):
    """Add working bucket `other` into `acc`; returns acc."""
    for code, (total, count, low, high) in other.items():
        entry = acc.get(code)
        if entry is None:
            acc[code] = [total, count, low, high]
            continue
        entry[0] += total
        entry[1] += count
        if low is not None and (entry[2] is None or low < entry[2]):
            entry[2] = low
        if high is not None and (entry[3] is None or high > entry[3]):
            entry[3] = high
    return acc


def parse(bucket):
    """A stored bucket as a working one."""
    return {
        code: [to_decimal(t), n, to_decimal(lo), to_decimal(hi)]
        for code, (t, n, lo, hi) in bucket.items()
    }


def dump(acc):
    """A working bucket as a stored one."""
    return {
        code: [to_text(total), n, to_text(low), to_text(high)]
        for code, (total, n, low, high) in acc.items()
    }


def merged(buckets):
    """The working sum of several stored buckets."""
    acc = {}
    for bucket in buckets:
        merge(acc, parse(bucket))
    return acc


# ---------------------------------------------------------------- figures


def value_of(entry, aggregation):
    """The figure a bucket entry (stored or working) stands for under an aggregation."""
    if not entry:
        return None
    total, count, low, high = entry
    if aggregation == SUM:
        return to_decimal(total)
    if aggregation == AVG:
        return (to_decimal(total) / count).quantize(AVG_PLACES) if count else None
    if aggregation == MIN:
        return to_decimal(low)
    if aggregation == MAX:
        return to_decimal(high)
    return None


def figures(bucket, planned):
    """{code: figure} of a stored bucket for ((code, aggregation), …) — value_of, unrolled
    for sums, which are most of a wide table."""
    get = bucket.get
    out = {}
    for code, aggregation in planned:
        entry = get(code)
        if entry is None:
            out[code] = None
        elif aggregation == SUM:
            out[code] = shared_decimal(entry[0])
        else:
            out[code] = value_of(entry, aggregation)
    return out


def weighted(entries, aggregation):
    """The figure of several units' entries, each weighted by a lineage share.

    `entries` are (entry, share) pairs; an entry may be a bucket entry of a roll-up or
    one report's figure as [value, 1, value, value]. A sum counts share × each sum, an
    average is Σ share × sum / Σ share × count, extremes are the extremes of the units
    that pass anything on. An indicator that is not aggregated has a figure only when it
    comes whole from one unit.
    """
    sources = [(entry, share) for entry, share in entries if entry and share]
    if not sources:
        return None
    if aggregation == NONE:
        if len(sources) == 1 and sources[0][1] == 1:
            return to_decimal(sources[0][0][0])
        return None
    total = sum((to_decimal(e[0]) * share for e, share in sources), Decimal(0))
    if aggregation == SUM:
        return total
    if aggregation == AVG:
        count = sum((e[1] * share for e, share in sources), Decimal(0))
        return (total / count).quantize(AVG_PLACES) if count else None
    if aggregation == MIN:
        lows = [to_decimal(e[2]) for e, _s in sources if e[2] is not None]
        return min(lows) if lows else None
    highs = [to_decimal(e[3]) for e, _s in sources if e[3] is not None]
    return max(highs) if highs else None


def single(value):
    """One report's figure as a bucket entry."""
    return [value, 1, value, value]


# ---------------------------------------------------------------- folding a tree


class Tally:
    """Roll-up contents built bottom-up, as `Rollup` rows hold them.

    Each report is counted once, at its own node (its unit on the period's tree); then
    `drain()` adds every node into its parent, deepest first, handing each node over as
    soon as its subtree is complete. That is one pass over the figures plus one merge
    per node, instead of one pass per ancestor of each report. Figures are Decimals
    while adding up; the stored strings are made once, when a node is handed over.

    Memory: a node keeps accepted figures and submitted-only ones apart ("counted" is
    their sum), so accepted data is not held twice, and a node handed over is dropped.
    """

    def __init__(self):
        # path → [statuses Counter, late, accepted {code: [Σ, n, min, max]}, submitted]
        self.nodes = {}

    def _node(self, path):
        node = self.nodes.get(path)
        if node is None:
            node = self.nodes[path] = [Counter(), 0, {}, {}]
        return node

    def add(self, path, status, level_code, sent, late, values):
        node = self._node(path)
        node[0][status] += 1
        if sent:
            node[0][f"sent:{level_code}"] += 1
            node[1] += bool(late)
        if status == ACCEPTED:
            accumulate(node[2], values)
        elif status == SUBMITTED:
            accumulate(node[3], values)

    def drain(self):
        """Yield (node code, statuses, late, accepted bucket, counted bucket) for every node,
        each over its whole subtree, deepest first; the tally is empty afterwards."""
        by_depth = defaultdict(list)
        for path in self.nodes:
            by_depth[path.count(PATH_SEP)].append(path)
        for depth in range(max(by_depth, default=0), 0, -1):
            for path in by_depth.pop(depth, ()):
                node = self.nodes.pop(path)
                if depth > 1:
                    parent_path = path[: path.rindex(PATH_SEP, 0, len(path) - 1) + 1]
                    if parent_path not in self.nodes:
                        by_depth[depth - 1].append(parent_path)
                    parent = self._node(parent_path)
                    parent[0].update(node[0])
                    parent[1] += node[1]
                    merge(parent[2], node[2])
                    merge(parent[3], node[3])
                statuses, late, accepted, submitted = node
                stored = dump(accepted)
                if submitted:
                    both = {code: list(entry) for code, entry in accepted.items()}
                    counted = dump(merge(both, submitted))
                else:
                    counted = stored  # the same figures: one object, written twice
                yield (
                    path_codes(path)[-1],
                    {k: n for k, n in statuses.items() if n},
                    late,
                    stored,
                    counted,
                )
