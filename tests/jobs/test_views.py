"""The administrators' page of background jobs, and the home page's notice."""

import pytest
from django.urls import reverse

from giaoban.jobs.models import Job
from giaoban.jobs.services import schedule
from tests.jobs.conftest import fail_for_good

S = Job.Status
LIST = reverse("jobs:list")


def retry_url(job):
    return reverse("jobs:retry", kwargs={"pk": job.pk})


def snapshot():
    return list(Job.objects.order_by("pk").values())


@pytest.fixture
def jobs(cast, failing, t0):
    """A failed job, a done one and a pending one."""
    failed = fail_for_good("email:41", t0)
    done = Job.objects.create(
        kind="notifications.email",
        key="email:40",
        run_at=t0,
        status=S.DONE,
        attempts=1,
        finished_at=t0,
        result="Đã gửi thư cho officer_a.",
    )
    pending, _ = schedule("reports.deadline_reminder", "reports:remind:T19:before-3", t0)
    return failed, done, pending


def test_an_administrator_at_the_top_sees_failed_jobs_first(client, cast, jobs):
    failed, done, pending = jobs
    client.force_login(cast.ministry_admin)
    response = client.get(LIST)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Việc nền" in text and "Việc bị lỗi" in text and "Việc gần đây" in text
    assert text.index("email:41") < text.index("email:40")  # failed before the rest
    assert "ValueError: máy chủ thư không trả lời" in text
    assert "3/3" in text  # attempts
    assert "Lỗi" in text and "Đã xong" in text and "Chờ chạy" in text
    assert "reports:remind:T19:before-3" in text and "Đã gửi thư cho officer_a." in text
    # Kinds by their names, not their codes.
    assert "Nhắc hạn báo cáo" in text and "Gửi thư điện tử thông báo" in text
    assert "reports.deadline_reminder" not in text and "notifications.email" not in text
    # Times in dd/mm/yyyy HH:MM, local time (Asia/Ho_Chi_Minh).
    assert "03/07/2026 08:00" in text
    assert f'action="{retry_url(failed)}"' in text and "Chạy lại" in text
    assert f'action="{retry_url(done)}"' not in text  # only failed jobs can be re-run


def test_the_page_says_when_nothing_failed(client, cast):
    client.force_login(cast.ministry_admin)
    text = client.get(LIST).content.decode()
    assert "Không có việc nền nào bị lỗi." in text and "Chưa có việc nền nào." in text


@pytest.mark.parametrize("who", ["ministry_officer", "leader_a", "officer_a", "commune_leader"])
def test_anyone_but_an_administrator_at_the_top_is_refused(client, cast, jobs, who):
    failed = jobs[0]
    client.force_login(getattr(cast, who))
    assert client.get(LIST).status_code == 403
    before = snapshot()
    assert client.post(retry_url(failed)).status_code == 403
    assert snapshot() == before


def test_a_province_administrator_is_not_an_administrator_at_the_top(client, cast, jobs):
    from giaoban.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=cast.officer_a, unit=cast.province_a, role="admin")
    client.force_login(cast.officer_a)
    assert client.get(LIST).status_code == 403


def test_anonymous_is_sent_to_the_login_page(client, jobs):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(retry_url(jobs[0])).status_code == 302
    assert Job.objects.get(pk=jobs[0].pk).status == S.FAILED


def test_opening_the_page_writes_nothing(client, cast, jobs):
    client.force_login(cast.ministry_admin)
    before = snapshot()
    client.get(LIST)
    client.get("/")
    assert snapshot() == before


def test_the_retry_button_puts_the_job_back_in_the_queue(client, cast, jobs):
    failed = jobs[0]
    client.force_login(cast.ministry_admin)
    response = client.post(retry_url(failed), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "Đã đưa việc “email:41” trở lại hàng chờ" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == S.PENDING and failed.attempts == 0


def test_retrying_a_job_that_is_not_failed_changes_nothing(client, cast, jobs):
    done = jobs[1]
    client.force_login(cast.ministry_admin)
    response = client.post(retry_url(done), follow=True)
    assert "Việc “email:40” không còn ở trạng thái lỗi." in response.content.decode()
    assert Job.objects.get(pk=done.pk).status == S.DONE


def test_retry_is_post_only(client, cast, jobs):
    client.force_login(cast.ministry_admin)
    before = snapshot()
    assert client.get(retry_url(jobs[0])).status_code == 405
    assert snapshot() == before


def test_retry_needs_the_csrf_token(cast, jobs):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.ministry_admin)
    assert client.post(retry_url(jobs[0])).status_code == 403
    assert Job.objects.get(pk=jobs[0].pk).status == S.FAILED


def test_an_unknown_job_is_a_404(client, cast):
    client.force_login(cast.ministry_admin)
    assert client.post(reverse("jobs:retry", kwargs={"pk": 999999})).status_code == 404


def test_the_home_page_tells_the_administrator_at_the_top(client, cast, jobs):
    client.force_login(cast.ministry_admin)
    text = client.get("/").content.decode()
    assert "Việc nền bị lỗi" in text
    assert "1 việc đã chạy hết số lần mà vẫn lỗi; gần nhất: tests.failing" in text
    assert f'href="{LIST}"' in text


def test_the_home_page_is_quiet_without_failures(client, cast, t0):
    schedule("tests.count", "k:ok", t0)
    client.force_login(cast.ministry_admin)
    assert "Việc nền bị lỗi" not in client.get("/").content.decode()


def test_the_home_page_of_others_does_not_mention_failed_jobs(client, cast, jobs):
    for user in (cast.officer_a, cast.leader_a, cast.ministry_officer):
        client.force_login(user)
        text = client.get("/").content.decode()
        assert "Việc nền bị lỗi" not in text
        assert f'href="{LIST}"' not in text


def test_the_navigation_shows_the_page_to_administrators_at_the_top_only(client, cast):
    client.force_login(cast.ministry_admin)
    assert f'href="{LIST}"' in client.get("/").content.decode()
    client.force_login(cast.officer_a)
    assert f'href="{LIST}"' not in client.get("/").content.decode()
