"""Where computed figures come from: the sources the activity log, the register and the
conferences register in `core.registry.indicator_sources` — each counting a unit's OWN
records in a window of days, in one batch — and the pages their links lead to."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from giaoban.core import registry
from giaoban.documents.models import Document, Recipient
from tests.conftest import make_user
from tests.documents.conftest import PARTY, issued
from tests.reports.conftest import record_session

FIRST, LAST = datetime.date(2025, 12, 15), datetime.date(2026, 6, 14)


def source(key):
    return registry.indicator_sources.get(key)


# --------------------------------------------------------------------------- the sources


CONFERENCES = apps.is_installed("giaoban.conferences")
needs_conferences = pytest.mark.skipif(
    not CONFERENCES, reason="the conferences app is not installed"
)


def test_every_source_is_registered_with_a_vietnamese_label_and_a_link():
    keys = [s.key for s in registry.indicator_sources]
    assert keys == [
        "activities.count",
        "activities.participants",
        "documents.received",
        "documents.disseminated_on_time",
        *(["conferences.tasks_done"] if CONFERENCES else []),
    ]
    assert all(str(s.label) and str(s.group) for s in registry.indicator_sources)


def test_activity_participants_count_the_groups_chosen(cast):
    officer = cast.ministry_officer
    record_session(officer, cast.commune_a1, FIRST, members=10, officers=5, others=3)
    record_session(
        officer, cast.commune_a1, FIRST, kind="dan-van", members=1, officers=1, others=50
    )
    count = source("activities.participants").compute
    ids = [cast.commune_a1.pk, cast.commune_a2.pk]
    everyone = {
        "kinds": ["quan-triet", "dan-van"],
        "groups": ["party_members", "officers", "others"],
    }
    assert count(ids, FIRST, LAST, everyone) == {cast.commune_a1.pk: 70}
    assert count(ids, FIRST, LAST, {"kinds": ["dan-van"], "groups": ["others"]}) == {
        cast.commune_a1.pk: 50
    }
    assert source("activities.count").compute(ids, FIRST, LAST, everyone) == {cast.commune_a1.pk: 2}


def _document(cast, subject, units, disseminate_by=None):
    """An issued party resolution addressed to `units` (through the register's services)."""
    leader = make_user(f"lead_{subject[-1].lower()}", cast.root, "leader")
    return issued(
        cast.ministry_officer,
        leader,
        cast.root,
        PARTY,
        "NQ",
        day=FIRST - datetime.timedelta(days=20),
        units=units,
        recipient_rule=Document.Rule.EXPLICIT,
        subject=subject,
        disseminate_by=disseminate_by,
    )


def _row(document, unit, at, disseminated_on=None):
    Recipient.objects.filter(document=document, unit=unit).update(
        received_at=at, disseminated_on=disseminated_on
    )


def _at(day, hour=0, minutes=0):
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(hour, minutes), zone)


def test_documents_received_and_disseminated_on_time_in_the_window(cast):
    units = [cast.commune_a1, cast.province_a]
    due = _document(cast, "Nghị quyết A", units, disseminate_by=LAST)
    late = _document(cast, "Nghị quyết B", units, disseminate_by=FIRST + datetime.timedelta(5))
    free = _document(cast, "Nghị quyết C", units)
    _row(due, cast.commune_a1, _at(FIRST), FIRST + datetime.timedelta(days=3))
    _row(late, cast.commune_a1, _at(FIRST), FIRST + datetime.timedelta(days=9))  # late
    # Received a minute before the window opens; disseminated with no deadline to miss.
    _row(free, cast.commune_a1, _at(FIRST) - datetime.timedelta(minutes=1), FIRST)
    _row(due, cast.province_a, _at(LAST, 23, 59))
    _row(late, cast.province_a, _at(LAST + datetime.timedelta(days=1)))  # after
    _row(free, cast.province_a, _at(FIRST - datetime.timedelta(days=3)))  # before
    ids = [cast.commune_a1.pk, cast.province_a.pk]
    received = source("documents.received").compute(ids, FIRST, LAST, {})
    assert received == {cast.commune_a1.pk: 2, cast.province_a.pk: 1}
    on_time = source("documents.disseminated_on_time").compute(ids, FIRST, LAST, {})
    assert on_time == {cast.commune_a1.pk: 2}
    link = source("documents.disseminated_on_time").link(cast.commune_a1, FIRST, LAST, {})
    assert "by=on_time" in link and "start=15%2F12%2F2025" in link


def test_the_register_link_lists_what_was_counted(client, cast):
    inside = _document(cast, "Nghị quyết trong kỳ D", [cast.commune_a1])
    outside = _document(cast, "Nghị quyết kỳ trước E", [cast.commune_a1])
    _row(inside, cast.commune_a1, _at(LAST, 23))
    _row(outside, cast.commune_a1, _at(FIRST) - datetime.timedelta(hours=1))
    client.force_login(cast.commune_officer)
    link = source("documents.received").link(cast.commune_a1, FIRST, LAST, {})
    html = client.get(link).content.decode()
    assert "Nghị quyết trong kỳ D" in html and "Nghị quyết kỳ trước E" not in html
    bad = client.get(reverse("documents:incoming") + "?start=14/06/2026&end=01/01/2026")
    assert bad.status_code == 400 and "không được trước ngày" in bad.content.decode()


@needs_conferences
def test_tasks_done_count_the_units_own_done_and_accepted_tasks(cast, form):
    from giaoban.conferences.models import PARTY, Conclusion, Conference, Task

    conference = Conference.objects.create(
        unit=cast.root,
        path=cast.root.path,
        body=PARTY,
        title="Hội nghị giao ban (thử nghiệm)",
        form=form,
        period_key="2025-H2",
        date=FIRST - datetime.timedelta(days=10),
        created_by=cast.ministry_officer,
    )

    def task(n, unit, status, done_on=None):
        conclusion = Conclusion.objects.create(
            conference=conference, number=n, text=f"Kết luận {n}"
        )
        return Task.objects.create(
            conclusion=conclusion,
            assigner=cast.root,
            assigner_path=cast.root.path,
            unit=unit,
            path=unit.path,
            title=f"Nhiệm vụ {n}",
            deadline=LAST,
            status=status,
            done_on=done_on,
        )

    task(1, cast.commune_a1, "done", FIRST)
    task(2, cast.commune_a1, "accepted", LAST)
    task(3, cast.commune_a1, "accepted", FIRST - datetime.timedelta(days=1))  # before
    task(4, cast.commune_a1, "open")
    task(5, cast.commune_a1, "returned")
    task(6, cast.province_a, "done", FIRST)  # the province's own
    tasks_done = source("conferences.tasks_done")
    ids = [cast.commune_a1.pk, cast.province_a.pk, cast.commune_a2.pk]
    assert tasks_done.compute(ids, FIRST, LAST, {}) == {
        cast.commune_a1.pk: 2,
        cast.province_a.pk: 1,
    }
    assert "owner=X05500" in tasks_done.link(cast.commune_a1, FIRST, LAST, {})
