"""notify(), the unread count, marking read, and e-mail through the background jobs."""

import unicodedata

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import override_settings

from giaoban.jobs.models import Job
from giaoban.jobs.services import run_due
from giaoban.notifications.models import Notification
from giaoban.notifications.services import mark_read, notify, notify_all, unread_count

TITLE = "Báo cáo 6 tháng bị trả lại"
EMAIL_ON = override_settings(
    GIAOBAN_EMAIL_ENABLED=True, GIAOBAN_SITE_URL="https://giaoban.intranet"
)
EMAIL_OFF = override_settings(GIAOBAN_EMAIL_ENABLED=False)


def test_notify_gives_each_user_one_notification(cast):
    created = notify(
        [cast.officer_a, cast.leader_a],
        "reports.returned",
        TITLE,
        body="Lãnh đạo đề nghị bổ sung số liệu.",
        url="/bao-cao/",
    )
    assert len(created) == 2 and all(n.pk for n in created)
    n = Notification.objects.get(user=cast.officer_a)
    assert (n.kind, n.title, n.body, n.url) == (
        "reports.returned",
        TITLE,
        "Lãnh đạo đề nghị bổ sung số liệu.",
        "/bao-cao/",
    )
    assert n.read_at is None and n.emailed_at is None
    assert Notification.objects.filter(user=cast.leader_a).count() == 1


def test_notify_accepts_one_user_ids_and_querysets(cast):
    from giaoban.accounts.models import User

    notify(cast.officer_a, "k", "một")
    notify([cast.leader_a.pk], "k", "hai")
    notify(User.objects.filter(username="officer_b"), "k", "ba")
    assert sorted(Notification.objects.values_list("user__username", "title")) == [
        ("leader_a", "hai"),
        ("officer_a", "một"),
        ("officer_b", "ba"),
    ]


def test_the_same_key_is_never_delivered_twice(cast):
    key = "reports:remind:T19:2026-H1:before-3"
    notify([cast.officer_a], "reports.reminder", "Sắp đến hạn", key=key)
    again = notify([cast.officer_a, cast.leader_a], "reports.reminder", "Sắp đến hạn", key=key)
    assert [n.user for n in again] == [cast.leader_a]
    assert Notification.objects.filter(user=cast.officer_a, key=key).count() == 1
    assert Notification.objects.filter(key=key).count() == 2


def test_without_a_key_a_notification_may_repeat(cast):
    notify([cast.officer_a], "k", "Nhắc")
    notify([cast.officer_a], "k", "Nhắc")
    assert Notification.objects.filter(user=cast.officer_a).count() == 2


def test_the_database_refuses_a_duplicate_key(cast):
    from django.db import IntegrityError, transaction

    Notification.objects.create(user=cast.officer_a, kind="k", title="a", key="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=cast.officer_a, kind="k", title="b", key="x")
    Notification.objects.create(user=cast.leader_a, kind="k", title="c", key="x")


def test_a_duplicate_created_meanwhile_is_skipped(cast, monkeypatch):
    """Another process notifies the same user with the same key at the same moment."""
    from giaoban.notifications import services

    real = services._recipients

    def racing(users):
        found = real(users)
        Notification.objects.create(user=cast.officer_a, kind="k", title="trước", key="r")
        return found

    monkeypatch.setattr(services, "_recipients", racing)
    created = notify([cast.officer_a, cast.leader_a], "k", "sau", key="r")
    assert [n.user for n in created] == [cast.leader_a]
    assert Notification.objects.get(user=cast.officer_a).title == "trước"


def test_inactive_users_are_skipped(cast):
    cast.officer_b.is_active = False
    cast.officer_b.save()
    created = notify([cast.officer_a, cast.officer_b], "k", TITLE)
    assert [n.user for n in created] == [cast.officer_a]
    assert not Notification.objects.filter(user=cast.officer_b).exists()


def test_text_is_stored_nfc(cast):
    decomposed = unicodedata.normalize("NFD", TITLE)
    assert decomposed != TITLE
    notify([cast.officer_a], "k", decomposed, body=unicodedata.normalize("NFD", "Quán triệt"))
    n = Notification.objects.get()
    assert n.title == TITLE and n.body == "Quán triệt"


@pytest.mark.parametrize("url", ["https://example.com/", "//example.com/x", "bao-cao/"])
def test_a_link_must_stay_inside_the_site(cast, url):
    with pytest.raises(ValueError):
        notify([cast.officer_a], "k", TITLE, url=url)
    assert not Notification.objects.exists()


def test_the_unread_count_is_one_query_and_own_only(cast, django_assert_num_queries):
    notify([cast.officer_a], "k", "một")
    notify([cast.officer_a], "k", "hai")
    notify([cast.leader_a], "k", "của người khác")
    mark_read(cast.officer_a, [Notification.objects.get(title="một").pk])
    with django_assert_num_queries(1):
        assert unread_count(cast.officer_a) == 1
    assert unread_count(cast.leader_a) == 1
    assert unread_count(AnonymousUser()) == 0
    assert unread_count(None) == 0


def test_mark_read_marks_all_or_some_of_ones_own(cast):
    mine = notify([cast.officer_a], "k", "một") + notify([cast.officer_a], "k", "hai")
    notify([cast.leader_a], "k", "của người khác")
    assert mark_read(cast.officer_a, [mine[0].pk]) == 1
    assert unread_count(cast.officer_a) == 1
    assert mark_read(cast.officer_a) == 1
    assert mark_read(cast.officer_a) == 0  # nothing left
    assert unread_count(cast.leader_a) == 1


def test_another_users_notification_cannot_be_marked(cast):
    (theirs,) = notify([cast.leader_a], "k", "của người khác")
    assert mark_read(cast.officer_a, [theirs.pk]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- E-mail -------------------------------------------------------------------------------------


@EMAIL_OFF
def test_notify_all_tells_each_active_user_of_a_queryset_once(cast, django_assert_num_queries):
    from giaoban.accounts.models import User

    cast.officer_b.is_active = False
    cast.officer_b.save()
    # Two units: a user with roles at both would be joined twice, and is told once.
    people = User.objects.filter(role_assignments__unit__in=[cast.province_a, cast.province_b])
    expected = set(people.filter(is_active=True).values_list("pk", flat=True))
    assert len(expected) >= 2
    with django_assert_num_queries(1):  # one INSERT … SELECT, however many people
        told = notify_all(people, "reports.accepted", "Đã chấp nhận", url="/bao-cao/")
    assert told == len(expected)
    rows = Notification.objects.filter(kind="reports.accepted")
    assert set(rows.values_list("user_id", flat=True)) == expected  # once each, active only
    n = rows.first()
    assert (n.title, n.url, n.key, n.read_at) == ("Đã chấp nhận", "/bao-cao/", "", None)
    assert n.created is not None
    assert unread_count(cast.officer_b) == 0


@EMAIL_ON
def test_notify_all_plans_the_emails_when_email_is_on(cast):
    from giaoban.accounts.models import User

    with_email(cast.officer_a, "officer_a@giaoban.intranet")
    told = notify_all(User.objects.filter(pk=cast.officer_a.pk), "reports.accepted", TITLE)
    assert told == 1
    n = Notification.objects.get(user=cast.officer_a)
    assert Job.objects.filter(key=f"email:{n.pk}").exists()


def with_email(user, address):
    user.email = address
    user.save()
    return user


@EMAIL_ON
def test_an_email_is_sent_by_the_jobs_when_enabled(cast):
    with_email(cast.officer_a, "officer_a@giaoban.intranet")
    (n,) = notify(
        [cast.officer_a], "reports.returned", TITLE, body="Đề nghị bổ sung.", url="/bao-cao/"
    )
    job = Job.objects.get(key=f"email:{n.pk}")
    assert job.kind == "notifications.email" and job.payload == {"notification": n.pk}
    assert mail.outbox == []  # never inside the request
    summary = run_due()
    assert summary.done == 1
    (message,) = mail.outbox
    assert message.subject == TITLE
    assert message.to == ["officer_a@giaoban.intranet"]
    assert "Đề nghị bổ sung." in message.body
    assert "https://giaoban.intranet/bao-cao/" in message.body
    n.refresh_from_db()
    assert n.emailed_at is not None
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and "officer_a" in job.result
    run_due()
    assert len(mail.outbox) == 1  # sent once


@EMAIL_ON
def test_no_email_for_a_user_without_an_address(cast):
    notify([cast.officer_a], "k", TITLE)
    assert not Job.objects.exists()
    run_due()
    assert mail.outbox == []


@EMAIL_ON
def test_without_the_site_address_the_email_has_no_link(cast, settings):
    settings.GIAOBAN_SITE_URL = ""
    with_email(cast.officer_a, "officer_a@giaoban.intranet")
    notify([cast.officer_a], "k", TITLE, body="Nội dung.", url="/bao-cao/")
    run_due()
    (message,) = mail.outbox
    assert "/bao-cao/" not in message.body and "Nội dung." in message.body


@EMAIL_OFF
def test_no_email_when_email_is_disabled(cast):
    with_email(cast.officer_a, "officer_a@giaoban.intranet")
    notify([cast.officer_a], "k", TITLE)
    assert not Job.objects.exists()
    run_due()
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None


@EMAIL_ON
def test_an_email_job_left_over_after_email_was_turned_off_sends_nothing(cast, settings):
    with_email(cast.officer_a, "officer_a@giaoban.intranet")
    notify([cast.officer_a], "k", TITLE)
    settings.GIAOBAN_EMAIL_ENABLED = False
    run_due()
    assert mail.outbox == []
    assert Job.objects.get().status == Job.Status.DONE


@EMAIL_ON
def test_a_mail_server_failure_is_retried(cast, monkeypatch):
    from giaoban.notifications import services

    def down(*args, **kwargs):
        raise ConnectionRefusedError("máy chủ thư không nhận kết nối")

    monkeypatch.setattr(services, "send_mail", down)
    with_email(cast.officer_a, "officer_a@giaoban.intranet")
    (n,) = notify([cast.officer_a], "k", TITLE)
    assert run_due().retried == 1
    job = Job.objects.get()
    assert job.status == Job.Status.PENDING
    assert "ConnectionRefusedError: máy chủ thư không nhận kết nối" in job.last_error
    n.refresh_from_db()
    assert n.emailed_at is None


@EMAIL_ON
def test_a_notice_to_many_users_costs_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    from giaoban.accounts.models import User
    from tests.conftest import make_user

    for n in range(30):
        make_user(f"xa_{n:02d}", cast.commune_a1, "officer")
    for user in User.objects.filter(username__startswith="xa_"):
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@giaoban.intranet")
    users = User.objects.filter(username__startswith="xa_")
    with django_assert_max_num_queries(8):
        created = notify(users, "k", TITLE, key="k:fan-out")
    assert len(created) == 30
    assert Job.objects.filter(kind="notifications.email").count() == 30
    run_due()
    assert len(mail.outbox) == 30
