"""The per-subtree summary's words: each count and phrase is made once in the view
(`views.detail.phrase_cells`), and reads as the template tags wrote it: numbers the
Vietnamese way, the phrases through gettext, the obligation's label as text."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from giaoban.documents.views.detail import Numbers, phrase_cells
from tests.documents.test_pages_read import scene  # noqa: F401 — a fixture


def part(html, start, end):
    return html.split(start, 1)[1].split(end, 1)[0]


def cell(label, done, total, parts, overdue=""):
    badge = f' <span class="badge err">{overdue}</span>' if overdue else ""
    return (
        f'<td data-label="{label}"><span class="cell-done"><strong>{done}</strong>/{total}</span>'
        f' <meter min="0" max="{total}" value="{done}" aria-hidden="true"></meter>\n'
        f'<span class="small cell-parts">{parts}</span>{badge}\n</td>'
    )


def test_a_province_row_and_the_total(client, scene):  # noqa: F811
    client.force_login(scene.cast.ministry_officer)
    html = client.get(reverse("documents:detail", args=[scene.central.pk])).content.decode()
    summary = part(html, 'id="summary"', 'id="recipients"')
    row = part(summary, ">Thái Nguyên</a>", "</tr>")
    assert '<td data-label="Số đơn vị nhận" class="num">3 <span class="muted small">' in row
    assert "(và 2 cấp dưới)</span></td>" in row
    assert cell("Quán triệt", 1, 3, "1 đúng hạn", "2 quá hạn") in row
    assert cell("Kế hoạch triển khai", 1, 3, "1 đúng hạn · 2 còn hạn") in row
    assert cell("Báo cáo kết quả", 0, 3, "0 đúng hạn · 3 còn hạn") in row
    total = part(summary, "<tfoot>", "</tfoot>")
    assert '<td data-label="Số đơn vị nhận" class="num"><strong>6</strong></td>' in total


def test_a_chain_row_reads_its_plan_in_the_same_words(client, scene):  # noqa: F811
    client.force_login(scene.cast.ministry_officer)
    html = client.get(reverse("documents:chain", args=[scene.central.pk])).content.decode()
    row = part(html, scene.plan.symbol, "</tr>")
    for label in ("Quán triệt", "Kế hoạch triển khai"):
        assert (
            f'<li><span class="standing-what">{label}</span> <span class="cell-done"><strong>0'
            '</strong>/2</span> <meter min="0" max="2" value="0" aria-hidden="true"></meter>\n'
            '<span class="small cell-parts">0 đúng hạn · 2 còn hạn</span>\n</li>'
        ) in row


def test_large_counts_are_grouped_and_each_value_formatted_once():
    number = Numbers()
    counts = {"done": 1234, "total": 3355, "on_time": 1000, "late": 234, "pending": 0}
    (c,) = phrase_cells([{"label": gettext_lazy("Quán triệt"), **counts, "overdue": 2121}], number)
    assert (c["label"], c["done_text"], c["total_text"]) == ("Quán triệt", "1.234", "3.355")
    assert c["on_time_text"] == "1.000 đúng hạn" and c["late_text"] == "234 muộn"
    assert c["pending_text"] == "0 còn hạn" and c["overdue_text"] == "2.121 quá hạn"
    assert type(c["label"]) is str and set(number.done) == {1234, 3355, 1000, 234, 0, 2121}
