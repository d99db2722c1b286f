"""Materialised paths of the unit tree: "BCA/T19/X05500/" — codes joined by "/", with a
trailing "/". A subtree is a prefix; the ancestors are the prefixes ending at a "/".

Everything that places an object in the tree (units, scope, audit, reports) uses these
helpers, so the format is defined once, here, below every app.
"""

from django.db import connection
from django.db.models import Q

PATH_SEP = "/"


def subtree_q(path, field="path"):
    """A filter matching the unit at `path` and everything below it, as one indexed query.

    On SQLite (binary collation) a range on the column uses the plain B-tree index;
    PostgreSQL uses LIKE 'prefix%' on a varchar_pattern_ops index, since its collated
    ordering would break a range.
    """
    if connection.vendor == "sqlite":
        # "/" sorts just below "0", so every descendant lies in [path, path[:-1] + "0").
        return Q(**{f"{field}__gte": path, f"{field}__lt": path[:-1] + "0"})
    return Q(**{f"{field}__startswith": path})


def codes(path):
    """The unit codes along a path, root first: "BCA/T19/" → ["BCA", "T19"]."""
    return path.strip(PATH_SEP).split(PATH_SEP) if path else []


def ancestor_paths(path):
    """The paths of every node on `path`, root first, the node itself last."""
    out, cut = [], 0
    while True:
        cut = path.find(PATH_SEP, cut) + 1
        if cut == 0:
            return out
        out.append(path[:cut])


def parent_path(path):
    """The path of the node's parent ("" for a root)."""
    trimmed = path[:-1]
    return trimmed[: trimmed.rfind(PATH_SEP) + 1]


def depth(path):
    """0 for a root, 1 for its children, …"""
    return path.count(PATH_SEP) - 1


def is_within(path, ancestor):
    """Whether `path` is `ancestor` or lies below it."""
    return path.startswith(ancestor)


def outermost(paths):
    """The paths not below another one of them, sorted: each subtree once."""
    ordered = sorted(set(paths))
    return [p for p in ordered if not any(q != p and p.startswith(q) for q in ordered)]
