"""The notifications page: one's own only; marking read is a POST."""

import pytest
from django.test import Client
from django.urls import reverse

from giaoban.notifications.models import Notification
from giaoban.notifications.services import notify

LIST = reverse("notifications:list")
READ_ALL = reverse("notifications:read_all")


def read_url(n):
    return reverse("notifications:read", kwargs={"pk": n.pk})


def read_marks():
    return dict(Notification.objects.values_list("pk", "read_at"))


@pytest.fixture
def inbox(cast):
    """officer_a: one read, one unread with a link; leader_a: one of their own."""
    (old,) = notify([cast.officer_a], "reports.accepted", "Báo cáo quý I đã được duyệt")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created)
    (new,) = notify(
        [cast.officer_a],
        "reports.returned",
        "Báo cáo 6 tháng bị trả lại",
        body="Đề nghị bổ sung số liệu.",
        url="/bao-cao/",
    )
    (theirs,) = notify([cast.leader_a], "reports.submitted", "Thái Nguyên gửi báo cáo riêng")
    return old, new, theirs


def test_the_list_shows_ones_own_unread_first(client, cast, inbox):
    old, new, theirs = inbox
    client.force_login(cast.officer_a)
    response = client.get(LIST)
    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1>Thông báo</h1>" in text
    assert "1 thông báo chưa đọc" in text and "2 thông báo" in text
    assert text.index("Báo cáo 6 tháng bị trả lại") < text.index("Báo cáo quý I đã được duyệt")
    assert "chưa đọc" in text and "Đã đọc lúc" in text
    assert '<a href="/bao-cao/">Báo cáo 6 tháng bị trả lại</a>' in text
    assert "Đề nghị bổ sung số liệu." in text
    assert f'action="{read_url(new)}"' in text and "Đánh dấu đã đọc" in text
    assert f'action="{read_url(old)}"' not in text  # already read
    assert "Đánh dấu tất cả đã đọc" in text
    assert "Thái Nguyên gửi báo cáo riêng" not in text  # someone else's


def test_an_empty_list_says_so(client, cast):
    client.force_login(cast.officer_b)
    text = client.get(LIST).content.decode()
    assert "Đồng chí chưa có thông báo nào." in text
    assert "Đánh dấu tất cả đã đọc" not in text


def test_the_list_is_paginated_by_fifty(client, cast):
    for n in range(55):
        notify([cast.officer_b], "k", f"Thông báo số {n:02d}")
    client.force_login(cast.officer_b)
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "Thông báo số 54" in first and "Thông báo số 04" not in first
    assert "Trang 1/2" in first and "Thông báo số 04" in second and "Trang 2/2" in second


def test_opening_the_list_marks_nothing(client, cast, inbox):
    client.force_login(cast.officer_a)
    before = read_marks()
    client.get(LIST)
    assert read_marks() == before


def test_marking_one_read(client, cast, inbox):
    old, new, theirs = inbox
    client.force_login(cast.officer_a)
    response = client.post(read_url(new), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "Đã đánh dấu đã đọc: Báo cáo 6 tháng bị trả lại." in response.content.decode()
    new.refresh_from_db()
    assert new.read_at is not None


def test_marking_read_goes_back_to_the_page_one_was_on(client, cast, inbox):
    client.force_login(cast.officer_a)
    response = client.post(read_url(inbox[1]), {"page": "2"})
    assert response["Location"] == f"{LIST}?page=2"
    response = client.post(read_url(inbox[1]), {"page": "//evil.example"})
    assert response["Location"] == LIST


def test_marking_read_is_post_only(client, cast, inbox):
    client.force_login(cast.officer_a)
    before = read_marks()
    assert client.get(read_url(inbox[1])).status_code == 405
    assert client.get(READ_ALL).status_code == 405
    assert read_marks() == before


def test_marking_needs_the_csrf_token(cast, inbox):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.officer_a)
    before = read_marks()
    assert client.post(read_url(inbox[1])).status_code == 403
    assert client.post(READ_ALL).status_code == 403
    assert read_marks() == before


def test_another_users_notification_is_a_404(client, cast, inbox):
    theirs = inbox[2]
    client.force_login(cast.officer_a)
    before = read_marks()
    assert client.post(read_url(theirs)).status_code == 404
    assert read_marks() == before


def test_marking_all_read_marks_only_ones_own(client, cast, inbox):
    old, new, theirs = inbox
    notify([cast.officer_a], "k", "Thêm một thông báo")
    client.force_login(cast.officer_a)
    response = client.post(READ_ALL, follow=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(user=cast.officer_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(READ_ALL, follow=True)
    assert "Không còn thông báo nào chưa đọc." in response.content.decode()


def test_anonymous_is_sent_to_the_login_page(client, inbox):
    before = read_marks()
    for response in (client.get(LIST), client.post(read_url(inbox[1])), client.post(READ_ALL)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert read_marks() == before


def test_every_signed_in_user_has_the_page_in_the_navigation(client, cast):
    for user in (cast.officer_b, cast.ministry_admin):
        client.force_login(user)
        text = client.get("/").content.decode()
        assert f'href="{LIST}"' in text and "Thông báo của đồng chí" in text
