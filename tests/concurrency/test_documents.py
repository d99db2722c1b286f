"""Documents issued at the same instant (the register's own test, tests/documents/
test_services.py, runs six at once on PostgreSQL; the same method here, on both
databases, and with the worst order forced): every issue gets the next number, none
twice; the same document issued by two leaders at once is issued once, and the second
leader is told it was issued meanwhile."""

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from giaoban.audit.models import AuditEntry
from giaoban.documents import numbering, services
from giaoban.documents.models import Document
from tests.concurrency.race import Held, together
from tests.documents.conftest import draft

S = Document.Status


def in_review(cast, n):
    out = []
    for _ in range(n):
        document = draft(cast.officer_a, cast.province_a)
        out.append(services.send_for_review(document, cast.officer_a))
    return out


def numbers():
    return sorted(Document.objects.filter(status=S.ISSUED).values_list("number", flat=True))


def test_documents_issued_at_the_same_instant_get_the_next_numbers(
    cast, second_leader, monkeypatch
):
    one, two, three = in_review(cast, 3)
    outcomes = together(
        lambda: services.issue(one, cast.leader_a),
        lambda: services.issue(two, second_leader),
        lambda: services.issue(three, cast.leader_a),
    )
    assert [o.error for o in outcomes] == [None, None, None]
    assert numbers() == [1, 2, 3]
    # The worst order: the first has drawn its number and not yet committed.
    four, five = in_review(cast, 2)
    held = Held(monkeypatch, numbering, "compose")
    first, second = held.race(
        lambda: services.issue(four, cast.leader_a), lambda: services.issue(five, second_leader)
    )
    if connection.vendor == "postgresql":
        assert held.waited  # the second waited for the counter's row
    assert first.value[0].number == 4 and second.value[0].number == 5
    assert numbers() == [1, 2, 3, 4, 5]
    assert {d.symbol for d in Document.objects.filter(status=S.ISSUED)} == {
        f"0{n}/KH-CAT" for n in range(1, 6)
    }


def test_one_document_issued_by_two_leaders_at_once(cast, second_leader, monkeypatch):
    [document] = in_review(cast, 1)
    url = reverse("documents:issue", kwargs={"pk": document.pk})
    day = {"issue_date": timezone.localdate().strftime("%d/%m/%Y")}
    leaders = []
    for leader in (cast.leader_a, second_leader):
        client = Client()
        client.force_login(leader)
        leaders.append(client)
    held = Held(monkeypatch, numbering, "allocate")  # the document read, its number not drawn
    first, second = held.race(lambda: leaders[0].post(url, day), lambda: leaders[1].post(url, day))
    if connection.vendor == "postgresql":
        assert held.waited
    assert first.value.status_code == 302
    assert second.value.status_code == 409
    assert "Văn bản đã được ban hành, không ban hành lại." in second.value.content.decode()
    document.refresh_from_db()
    assert (document.status, document.number, document.issued_by) == (S.ISSUED, 1, cast.leader_a)
    assert numbers() == [1]
    issues = AuditEntry.objects.filter(
        model="documents.Document", object_id=str(document.pk), action="transition"
    )
    assert issues.filter(message__startswith="Ban hành").count() == 1
