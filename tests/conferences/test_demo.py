"""The conferences' demo: synthetic and labelled, every standing of the tasks shown, the
consolidated reports drafted from the demo reports, idempotent."""

import functools
from collections import Counter

import pytest

from giaoban.activities import demo as activities_demo
from giaoban.conferences import compile as compiled
from giaoban.conferences import demo as conferences_demo
from giaoban.conferences import tasks
from giaoban.conferences.models import Conference, Consolidation, Paper, Task
from giaoban.core import due
from giaoban.documents import demo as documents_demo
from giaoban.documents.models import Document
from giaoban.reports import demo_data
from tests.conftest import build_cast
from tests.documents.test_demo import build_tree, context
from tests.shared import Shared


def load(monkeypatch):
    monkeypatch.setattr(documents_demo, "MISSING_PLANS", 1)
    tree = build_tree(build_cast())
    ctx = context(tree)
    demo_data.load(ctx, tree.ministry_admin, log=ctx.log)
    documents_demo.load(ctx, log=ctx.log)
    activities_demo.load(ctx, log=ctx.log, months=2)
    counts = conferences_demo.load(ctx, log=ctx.log)
    return ctx, counts


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module's tests, each test starting from it as loaded
    (tests/shared.py)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        with Shared(django_db_blocker, functools.partial(load, monkeypatch)) as shared:
            yield shared


@pytest.fixture
def loaded(shared_demo, monkeypatch, db):
    monkeypatch.setattr(documents_demo, "MISSING_PLANS", 1)  # as while it was loaded
    return shared_demo.copy()


def test_the_ministrys_conference_is_held_and_closed(loaded):
    ctx, counts = loaded
    conference = Conference.objects.get(unit=ctx.ministry)
    assert conference.is_demo and conference.status == Conference.Status.CLOSED
    assert conference.notice.status == Document.Status.ISSUED
    assert conference.notice.kind.abbreviation == "TB"
    assert conference.agenda.count() == len(conferences_demo.AGENDA)
    attendance = Counter(conference.participants.values_list("attendance", flat=True))
    assert attendance["absent"] >= 1 and attendance["present"] >= 1
    assert Paper.objects.filter(conference=conference).exists()
    assert conferences_demo.LABEL in conference.minutes
    assert counts["conferences"] == 2


def test_tasks_show_every_standing(loaded):
    ctx, _counts = loaded
    seen = Counter(tasks.standing(t) for t in Task.objects.filter(assigner=ctx.ministry))
    assert set(seen) == {due.ON_TIME, due.LATE, due.PENDING, due.OVERDUE}, seen
    assert Task.objects.filter(unit=ctx.province_a, status=Task.Status.ACCEPTED).exists()
    assert all(t.is_demo for t in Task.objects.all())


def test_the_consolidated_report_was_drafted_from_the_demo_reports(loaded):
    ctx, _counts = loaded
    issued = Consolidation.objects.get(unit=ctx.ministry, status=Consolidation.Status.ISSUED)
    snapshot = compiled.compile_report(issued)
    assert snapshot["sources"], "excerpts of the provinces' texts"
    labels = (conferences_demo.LABEL, demo_data.LABEL)  # own words, the reports' texts
    paragraphs = [p for sec in snapshot["sections"] for p in sec["paragraphs"]]
    assert all(any(label in p["text"] for label in labels) for p in paragraphs)
    draft = Consolidation.objects.get(unit=ctx.ministry, status=Consolidation.Status.DRAFT)
    later = compiled.compile_report(draft)
    keys = [r["key"] for r in later["records"]]
    assert "conference_tasks" in keys


def test_loading_twice_writes_nothing_more(loaded):
    ctx, _counts = loaded
    before = (Conference.objects.count(), Task.objects.count())
    assert conferences_demo.load(ctx, log=ctx.log) == {}
    assert (Conference.objects.count(), Task.objects.count()) == before
