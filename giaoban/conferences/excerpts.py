"""Excerpts (trích dẫn): sentences of a unit's submitted text, chosen, never rewritten.

An excerpt is stored as spans [start, end) of its source text, one per chosen sentence,
in order. Its text is made from those spans only: sentences that follow each other in
the source are joined as they stood (a space, or a line break between paragraphs), and a
gap where sentences were left out is marked "…". So shortening an excerpt is leaving
sentences out; no word of it can differ from what the unit sent, and `verify` proves it
against the source at any time.
"""

import hashlib
import re

GAP = " … "
# A sentence ends at . ! ? … (with closing quotes or brackets) before white space, or at
# a line break; Vietnamese abbreviations with a dot ("TP.", "Q.") rarely end a line.
_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+|\n+")


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sentences(text):
    """[(start, end)] of the sentences of `text`, without the white space around them."""
    out = []
    start = 0
    for match in _END.finditer(text):
        _add(text, start, _sentence_end(match), out)
        start = match.end()
    _add(text, start, len(text), out)
    return out


def _sentence_end(match):
    """Where the sentence before `match` ends: after its closing quotes, before spaces."""
    piece = match.group(0)
    closing = len(piece) - len(piece.lstrip('"”’)]'))
    return match.start() + closing


def _add(text, start, end, out):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


def _joint(source, left_end, right_start):
    """How two chosen sentences meet: as in the source when nothing lies between them."""
    between = source[left_end:right_start]
    if between.strip():
        return GAP
    return "\n" if "\n" in between else " "


def render(source, fragments):
    """The excerpt's text from its spans of `source`."""
    parts = []
    previous = None
    for start, end in fragments:
        if previous is not None:
            parts.append(_joint(source, previous, start))
        parts.append(source[start:end])
        previous = end
    return "".join(parts)


class ExcerptError(ValueError):
    pass


def check_fragments(source, fragments):
    """The spans as a clean list of [start, end], or ExcerptError: each a whole sentence
    of `source`, in the source's order, none twice."""
    allowed = set(sentences(source))
    out = []
    previous_end = -1
    for item in fragments:
        try:
            start, end = (int(x) for x in item)
        except (TypeError, ValueError):
            raise ExcerptError("span") from None
        if (start, end) not in allowed or start < previous_end:
            raise ExcerptError("span")
        out.append([start, end])
        previous_end = end
    if not out:
        raise ExcerptError("empty")
    return out


def verify(source, fragments, text):
    """Whether `text` is exactly what `fragments` of `source` make."""
    try:
        return render(source, check_fragments(source, fragments)) == text
    except ExcerptError:
        return False


def whole(source):
    """The spans of every sentence of `source` (an excerpt of the whole text)."""
    return [[s, e] for s, e in sentences(source)]
