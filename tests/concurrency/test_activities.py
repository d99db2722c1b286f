"""The activity log's bulk import at the same moment as report transitions and as another
record: a submission freezes the figures computed from the records as they stood when it
read them, an acceptance goes through, and the register counts every session."""

import datetime

import pytest
from django.db import connection

from giaoban.activities import bulk as activity_bulk
from giaoban.activities import services as activities
from giaoban.activities.models import Activity
from giaoban.documents import public as documents
from giaoban.documents.models import Document, Recipient
from giaoban.reports import workflow
from giaoban.reports.models import Report, ReportValue
from tests.concurrency.checks import KEY, assert_rollups_recomputed, assert_tally_recomputed
from tests.concurrency.race import Held
from tests.documents.conftest import PARTY, issued
from tests.reports.conftest import GOOD, TEXTS, record_session

S = Report.Status
DAY = datetime.date(2026, 3, 2)  # inside 2026-H1's window (15/12/2025 – 14/06/2026)
TYPED = {k: v for k, v in GOOD.items() if k not in ("GD01", "GD02")}  # GD01, GD02: computed


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def sessions(unit, n, day=DAY, document=None):
    return [
        {
            "unit": unit,
            "date": day,
            "kind": "quan-triet",
            "title": f"Hội nghị quán triệt số {i} (số liệu thử nghiệm)",
            "form": "direct",
            "party_members": 10,
            "officers": 5,
            "others": 3,
            "notes": "",
            **({"document": document} if document else {}),
        }
        for i in range(n)
    ]


def frozen(report):
    rows = ReportValue.objects.filter(report=report, indicator__code="GD01")
    return rows.values_list("value", "computed").get()


def test_an_activity_import_a_submission_and_an_acceptance_at_once(
    computed_form, cast, leaders, monkeypatch
):
    form = computed_form
    record_session(cast.commune_officer, cast.commune_a1, DAY)
    a1 = workflow.open_report(form, cast.commune_a1, KEY, cast.commune_officer)
    workflow.save_entries(a1, cast.commune_officer, TYPED, TEXTS)
    a2 = workflow.open_report(form, cast.commune_a2, KEY, cast.officer_a)
    workflow.save_entries(a2, cast.officer_a, TYPED, TEXTS)
    workflow.submit(a2, leaders["X05800"])

    def decide():
        workflow.submit(a1, cast.commune_leader)
        workflow.accept(a2, cast.leader_a)

    # The import has written its activities and the tally, and not yet committed.
    held = Held(monkeypatch, activity_bulk, "sync_dissemination")
    imported, decided = held.race(
        lambda: activities.import_rows(
            cast.officer_a, sessions("X05500", 3) + sessions("X05800", 2)
        ),
        decide,
    )
    assert imported.ok and imported.value.created == 5
    assert decided.ok
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert (a1.status, a2.status) == (S.SUBMITTED, S.ACCEPTED)
    # Frozen as the records stood when the submission read them: on PostgreSQL without the
    # uncommitted import (nothing is shared, nobody waits); on SQLite after it (the
    # submission queued for the file's lock). Either way one moment, no mixture.
    value, records = frozen(a1)
    assert value == records == (1 if connection.vendor == "postgresql" else 4)
    assert Activity.objects.filter(unit=cast.commune_a1).count() == 4
    assert_rollups_recomputed(form)
    assert_tally_recomputed()


def test_sessions_of_one_document_recorded_at_once_are_all_counted(cast, monkeypatch):
    leader = cast.leader_a
    document = issued(
        cast.officer_a,
        leader,
        cast.province_a,
        PARTY,
        "NQ",
        day=datetime.date(2026, 2, 2),
        recipient_rule=Document.Rule.CHILDREN,
        subject="Nghị quyết về công tác xây dựng Đảng",
    )
    # The import has counted its sessions and is about to tell the register; meanwhile an
    # officer records one more session of the same document, a fortnight later.
    later = sessions("X05500", 1, DAY + datetime.timedelta(days=16), document.pk)[0]
    del later["unit"]
    both = sessions("X05500", 1, document=document.pk) + sessions("X05800", 1, document=document.pk)
    held = Held(monkeypatch, documents, "set_disseminations")
    imported, recorded = held.race(
        lambda: activities.import_rows(cast.officer_a, both),
        lambda: activities.record(cast.commune_officer, cast.commune_a1, **later),
    )
    if connection.vendor == "postgresql":
        assert held.waited  # the record waited for the import's hold on the register's rows
    assert imported.ok and recorded.ok
    got = dict(Recipient.objects.filter(document=document).values_list("unit__code", "sessions"))
    assert got == {"X05500": 2, "X05800": 1}
    assert_tally_recomputed()
