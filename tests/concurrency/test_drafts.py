"""Two officers save the same draft at the same moment — the fill-in page's "Lưu" (the
whole sheet, as loaded) and its autosave (the boxes just typed, as report-entry.js sends
them): nothing either of them changed is lost; a box both changed keeps the first save
and tells the second officer, beside the box, who saved it and when."""

from decimal import Decimal

from django.db import connection
from django.test import Client
from django.urls import reverse

from giaoban.reports import bulk, workflow
from giaoban.reports.models import Report, ReportValue
from tests.concurrency.checks import KEY, assert_rollups_recomputed, form_data
from tests.concurrency.race import Held, together
from tests.reports.conftest import GOOD, TEXTS

AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def fill_url(form, unit):
    return reverse("reports:fill", kwargs={"form": form.code, "period": KEY, "code": unit.code})


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def loaded(client, url):
    """The fill-in form as a browser holds it once the page is loaded."""
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode())


def autosave(client, url, page, **boxes):
    """What report-entry.js sends: the boxes typed, each with what the page showed in it."""
    data = {"csrfmiddlewaretoken": "x"}
    for name, value in boxes.items():
        name = name.replace("_", "-", 1)
        data[name] = value
        data["b-" + name] = page["b-" + name]
    return client.post(url, data, **AJAX)


def figures(report):
    rows = ReportValue.objects.filter(report=report).values_list("indicator__code", "value")
    return dict(rows)


def test_different_boxes_saved_at_once_are_all_kept(form, cast, second_officer, monkeypatch):
    report = workflow.open_report(form, cast.commune_a1, KEY, cast.commune_officer)
    workflow.save_entries(report, cast.commune_officer, GOOD, TEXTS)
    url = fill_url(form, cast.commune_a1)
    one, two = logged_in(cast.commune_officer), logged_in(second_officer)
    page_one, page_two = loaded(one, url), loaded(two, url)
    # Officer 1's autosave of GD01 has read the report and is about to write when officer 2
    # presses "Lưu" on the page loaded before, with only GD02 and a narrative changed.
    page_two.update({"v-GD02": "130", "t-PH": "Tiếp tục triển khai, bổ sung."})
    held = Held(monkeypatch, workflow, "_store")
    first, second = held.race(
        lambda: autosave(one, url, page_one, v_GD01="7"),
        lambda: two.post(url, page_two),
    )
    if connection.vendor == "postgresql":
        assert held.waited
    assert first.value.status_code == 200 and first.value.json()["ok"]
    assert second.value.status_code == 200
    assert "Đã lưu lúc" in second.value.content.decode()
    got = figures(report)
    assert (got["GD01"], got["GD02"]) == (7, 130)  # neither save undid the other
    assert workflow.typed_entries(report)[1]["PH"] == "Tiếp tục triển khai, bổ sung."
    assert_rollups_recomputed(form)


def test_the_same_box_saved_at_once_keeps_the_first_and_says_so(
    form, cast, second_officer, monkeypatch
):
    report = workflow.open_report(form, cast.commune_a1, KEY, cast.commune_officer)
    workflow.save_entries(report, cast.commune_officer, GOOD, TEXTS)
    url = fill_url(form, cast.commune_a1)
    one, two = logged_in(cast.commune_officer), logged_in(second_officer)
    page_one, page_two = loaded(one, url), loaded(two, url)
    held = Held(monkeypatch, workflow, "_store")

    # The autosave of officer 1 first; officer 2's whole sheet, GD01 changed too, second.
    page_two["v-GD01"] = "9"
    autosaved, pressed = held.race(
        lambda: autosave(one, url, page_one, v_GD01="7"), lambda: two.post(url, page_two)
    )
    assert autosaved.value.json()["unsaved"] == []
    assert figures(report)["GD01"] == 7
    html = pressed.value.content.decode()
    assert pressed.value.status_code == 200
    assert "1 ô chưa lưu (xem bên cạnh ô), trong đó 1 ô người khác vừa lưu" in html
    assert "Commune Officer đã lưu ô này lúc" in html and "(nay là 7)" in html
    shown = form_data(html)
    assert shown["v-GD01"] == "9" and shown["b-v-GD01"] == "7"  # kept as typed, beside 7

    # Now the whole sheet first and the autosave second: the autosave's answer says why.
    page_one, page_two = loaded(one, url), loaded(two, url)
    page_two["v-GD01"] = "6"
    pressed, autosaved = held.race(
        lambda: two.post(url, page_two), lambda: autosave(one, url, page_one, v_GD01="8")
    )
    assert pressed.value.status_code == 200
    answer = autosaved.value.json()
    assert answer["ok"] and answer["unsaved"] == ["GD01"]
    assert "trong đó 1 ô người khác vừa lưu" in answer["message"]
    [problem] = [p for p in answer["problems"] if p["field"] == "GD01"]
    assert "Commune Officer2 đã lưu ô này lúc" in problem["message"]
    assert "(nay là 6)" in problem["message"]
    assert figures(report)["GD01"] == 6
    assert_rollups_recomputed(form)


def test_two_first_saves_at_once_open_one_report(form, cast, second_officer):
    url = fill_url(form, cast.commune_a1)
    one, two = logged_in(cast.commune_officer), logged_in(second_officer)
    page_one, page_two = loaded(one, url), loaded(two, url)  # no report yet: empty sheets
    outcomes = together(
        lambda: autosave(one, url, page_one, v_GD01="4"),
        lambda: autosave(two, url, page_two, v_GD02="120"),
    )
    assert [o.value.json()["unsaved"] for o in outcomes] == [[], []]
    report = Report.objects.get(form=form, unit=cast.commune_a1, period_key=KEY)
    assert figures(report) == {"GD01": Decimal(4), "GD02": Decimal(120)}
    assert_rollups_recomputed(form)


def test_the_fill_in_page_after_an_import_shows_it(form, cast):
    """A page loaded before an import (the API, an Excel file), saved after it: the
    imported figures stay, the figure typed is saved."""
    report = workflow.open_report(form, cast.commune_a1, KEY, cast.commune_officer)
    workflow.save_entries(report, cast.commune_officer, GOOD, TEXTS)
    url = fill_url(form, cast.commune_a1)
    page = logged_in(cast.commune_officer)
    sheet = loaded(page, url)
    bulk.import_values(form, KEY, [{"unit": "X05500", "values": {"GD01": 11}}], cast.officer_a)
    sheet["v-GD02"] = "125"
    assert page.post(url, sheet).status_code == 200
    got = figures(report)
    assert (got["GD01"], got["GD02"]) == (11, 125)
