"""A bulk import of report figures — an Excel upload, the API's bulk values — at the same
moment as a submission or an acceptance: the import either lands before the submission
(which then sends the imported figures) or waits for it and refuses that report, all or
nothing; an import and an acceptance elsewhere in the tree both count in the roll-up."""

import json

from django.db import connection
from django.test import Client

from giaoban.accounts.models import ApiToken
from giaoban.reports import bulk, rollup, workflow
from giaoban.reports.models import Report, ReportValue
from tests.concurrency.checks import KEY, assert_rollups_recomputed
from tests.concurrency.race import Held
from tests.reports.conftest import GOOD, TEXTS
from tests.reports.test_excel import fill_subtree
from tests.reports.test_excel_views import get_template, post_file

S = Report.Status


def draft(form, cast, unit, values=GOOD):
    report = workflow.open_report(form, unit, KEY, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, values, TEXTS)
    return report


def api(user):
    _token, key = ApiToken.issue(user, "kiểm thử")
    return Client(headers={"Authorization": f"Bearer {key}"})


def bulk_values(client, items, **options):
    body = json.dumps({"items": items, **options})
    url = f"/api/reports/CTD-CTCT-6T/{KEY}/values"
    return client.post(url, body, content_type="application/json")


def figure(unit, code="GD01"):
    return ReportValue.objects.get(report__unit=unit, indicator__code=code).value


def test_an_import_and_a_submission_of_the_same_report(form, cast, leaders, monkeypatch):
    a1 = draft(form, cast, cast.commune_a1)
    page = Client()
    page.force_login(cast.officer_a)
    upload = fill_subtree(
        get_template(page, "T19", subtree=True),
        {"X05500": {"GD01": 9}, "X05800": {"GD01": 1, "GD02": 9}},
    )
    # The upload has read the drafts and checked them; the commune's leader submits now.
    held = Held(monkeypatch, bulk, "write")
    uploaded, sent = held.race(
        lambda: post_file(page, "T19", upload),
        lambda: workflow.submit(a1, cast.commune_leader),
    )
    if connection.vendor == "postgresql":
        assert held.waited  # the submission waited for the upload's lock on the report
    assert uploaded.value.status_code == 200, uploaded.value.content.decode()[-2000:]
    assert sent.ok
    a1.refresh_from_db()
    assert a1.status == S.SUBMITTED and figure(cast.commune_a1) == 9  # sent as imported
    assert_rollups_recomputed(form)

    # The other way round: the submission holds the report, the API's import waits for it,
    # then refuses that report and writes nothing at all.
    a2 = draft(form, cast, cast.commune_a2)
    held = Held(monkeypatch, workflow, "_transition")
    items = [
        {"unit": "X05800", "values": {"GD01": 2}},
        {"unit": "X00004", "values": {"GD01": 3, "GD02": 30}},
    ]
    sent, imported = held.race(
        lambda: workflow.submit(a2, leaders["X05800"]),
        lambda: bulk_values(api(cast.ministry_officer), items),
    )
    assert sent.ok
    assert imported.value.status_code == 422
    [error] = imported.value.json()["detail"]
    assert error["index"] == 0 and error["message"] == (
        "Mục items[0] (đơn vị X05800): Báo cáo của Công an xã Đại Phúc đã gửi hoặc đã chấp "
        "nhận, không ghi đè được."
    )
    assert figure(cast.commune_a2) == 4
    assert not Report.objects.filter(unit=cast.commune_b1).exists()
    assert_rollups_recomputed(form)


def test_an_import_and_an_acceptance_at_once(form, cast, leaders, monkeypatch):
    a1 = draft(form, cast, cast.commune_a1)
    workflow.submit(a1, cast.commune_leader)
    # The acceptance holds the roll-up rows of the ministry, the province and the commune;
    # the import of accepted past figures of two other communes needs two of them.
    held = Held(monkeypatch, rollup, "_save_rows")
    items = [
        {"unit": "X05800", "values": dict(GOOD, GD01=5), "texts": TEXTS},
        {"unit": "X00004", "values": dict(GOOD, GD01=6), "texts": TEXTS},
    ]
    accepted, imported = held.race(
        lambda: workflow.accept(a1, cast.leader_a),
        lambda: bulk_values(api(cast.ministry_admin), items, accept_history=True),
    )
    if connection.vendor == "postgresql":
        assert held.waited
    assert accepted.ok
    assert imported.value.status_code == 200, imported.value.content
    assert imported.value.json()["reports_created"] == 2
    assert_rollups_recomputed(form)
    [ministry] = rollup.rows_for([cast.root], form, KEY).values()
    assert ministry.statuses["accepted"] == 3
    assert rollup.totals(ministry, rollup.ACCEPTED, form.current_version().indicators.all())[
        "GD01"
    ] == (4 + 5 + 6)
