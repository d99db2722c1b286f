"""What must hold after any race: the live roll-up (and the activity log's tally) equal to a
from-scratch recomputation, and the pages' forms as a browser would send them."""

from html.parser import HTMLParser

from giaoban.activities import tally
from giaoban.reports import rollup
from giaoban.reports.models import Rollup
from tests.reports.test_rollup_invariant import KEY, naive_recompute, normalise


def assert_rollups_recomputed(form, key=KEY):
    """Every node's stored roll-up row equals rollup.recompute (the reports alone) and the
    slow, obvious recomputation of the invariant test (tests/reports/test_rollup_invariant)."""
    live = {
        r.node_id: normalise(
            {"statuses": r.statuses, "late": r.late, "accepted": r.accepted, "counted": r.counted}
        )
        for r in Rollup.objects.filter(form=form, period_key=key)
    }
    fresh = {nid: normalise(row) for nid, row in rollup.recompute(form, key).items()}
    assert live == fresh
    assert fresh == naive_recompute(form)


def assert_tally_recomputed():
    """The activity log's stored tally equals its recomputation from the activities."""
    assert tally.stored() == tally.recompute()


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data, self.textarea = form_id, False, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif self.inside and tag == "input" and attrs.get("name"):
            if attrs.get("type") not in ("submit", "button", "checkbox", "radio", "file"):
                self.data[attrs["name"]] = attrs.get("value") or ""
        elif self.inside and tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.data[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            if not self.data[self.textarea] and data.startswith("\n"):
                data = data[1:]  # a browser drops the newline right after <textarea>
            self.data[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_data(html, form_id="entry-form"):
    """{name: value} of the form's fields, as a browser would send them unchanged."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.data
