"""The runner: schedule, claim, run, retry, fail, recover."""

import datetime

import pytest
from django.db import IntegrityError

from giaoban.audit.context import current
from giaoban.audit.models import AuditEntry
from giaoban.jobs import services
from giaoban.jobs.models import Job
from giaoban.jobs.services import JobSpec, run_due, schedule
from giaoban.units.models import Level
from tests.jobs.conftest import fail_for_good

S = Job.Status
MIN = datetime.timedelta(minutes=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(handlers):
    calls = []

    @handlers("tests.count")
    def count(job):
        calls.append(job.key)
        return f"lần {len(calls)}"

    return calls


def test_schedule_creates_a_key_once(t0):
    job, created = schedule("tests.count", "k:1", t0, {"a": 1})
    again, created_again = schedule("tests.count", "k:1", t0 + MIN, {"a": 2})
    assert created and not created_again
    assert again.pk == job.pk and again.payload == {"a": 1}
    assert Job.objects.count() == 1


def test_schedule_loses_a_race_gracefully(t0, monkeypatch):
    """Another process creates the key between our check and our insert."""
    winner = Job.objects.create(kind="tests.count", key="k:race", run_at=t0)
    real_filter = Job.objects.filter
    monkeypatch.setattr(Job.objects, "filter", lambda **kw: real_filter(pk=-1))
    job, created = schedule("tests.count", "k:race", t0)
    assert not created and job.pk == winner.pk


def test_the_key_is_unique_in_the_database(t0):
    Job.objects.create(kind="a", key="k:u", run_at=t0)
    with pytest.raises(IntegrityError):
        Job.objects.create(kind="b", key="k:u", run_at=t0)


def test_schedule_refuses_an_empty_key(t0):
    with pytest.raises(ValueError):
        schedule("tests.count", "", t0)


def test_a_due_job_runs_and_is_done(counter, t0):
    job, _ = schedule("tests.count", "k:1", t0)
    summary = run_due(now=t0, worker="host:1")
    job.refresh_from_db()
    assert (summary.done, summary.failed, summary.retried) == (1, 0, 0)
    assert counter == ["k:1"]
    assert job.status == S.DONE and job.attempts == 1
    assert job.finished_at == t0 and job.claimed_by == "host:1" and job.result == "lần 1"


def test_a_job_not_yet_due_waits(counter, t0):
    schedule("tests.count", "k:later", t0 + MIN)
    assert run_due(now=t0).done == 0
    assert counter == []
    assert run_due(now=t0 + MIN).done == 1


def test_a_job_runs_once_even_when_the_runner_runs_twice(counter, t0):
    schedule("tests.count", "k:1", t0)
    run_due(now=t0)
    second = run_due(now=t0 + MIN)
    assert counter == ["k:1"] and second.done == 0


def test_a_claim_is_atomic(counter, t0):
    """Two runners see the same pending job: only the first claim changes a row."""
    job, _ = schedule("tests.count", "k:1", t0)
    assert services.claim(job.pk, t0, "host-a:1") is True
    assert services.claim(job.pk, t0, "host-b:2") is False
    job.refresh_from_db()
    assert job.claimed_by == "host-a:1" and job.attempts == 1


def test_a_runner_skips_a_job_another_runner_claimed_first(counter, t0, monkeypatch):
    job, _ = schedule("tests.count", "k:1", t0)
    real_claim = services.claim

    def other_runner_first(pk, now, worker):
        real_claim(pk, now, "other:99")  # selected by both, claimed by the other one
        return real_claim(pk, now, worker)

    monkeypatch.setattr(services, "claim", other_runner_first)
    summary = run_due(now=t0, worker="me:1")
    job.refresh_from_db()
    assert counter == [] and summary.done == 0
    assert job.status == S.RUNNING and job.claimed_by == "other:99" and job.attempts == 1


def test_due_jobs_run_oldest_first_up_to_the_limit(counter, t0):
    schedule("tests.count", "k:b", t0 - MIN)
    schedule("tests.count", "k:a", t0 - 2 * MIN)
    schedule("tests.count", "k:c", t0)
    assert run_due(now=t0, limit=2).done == 2
    assert counter == ["k:a", "k:b"]
    run_due(now=t0)
    assert counter == ["k:a", "k:b", "k:c"]


def test_a_failure_is_retried_later_with_the_error_recorded(failing, t0):
    job, _ = schedule("tests.failing", "k:f", t0)
    summary = run_due(now=t0)
    job.refresh_from_db()
    assert (summary.done, summary.retried, summary.failed) == (0, 1, 0)
    assert job.status == S.PENDING and job.attempts == 1
    assert job.last_error == "ValueError: máy chủ thư không trả lời"
    assert job.run_at == t0 + 5 * MIN  # backoff: 5 minutes × attempts
    assert job.claimed_by == "" and job.claimed_at is None

    assert run_due(now=t0 + 4 * MIN).retried == 0  # not due again yet
    run_due(now=t0 + 5 * MIN)
    job.refresh_from_db()
    assert job.attempts == 2 and job.run_at == t0 + 5 * MIN + 10 * MIN


def test_a_job_fails_for_good_after_its_last_attempt(failing, t0):
    job = fail_for_good("k:f", t0)
    assert job.status == S.FAILED and job.attempts == 3
    assert job.finished_at is not None
    assert "máy chủ thư không trả lời" in job.last_error
    assert run_due(now=t0 + datetime.timedelta(days=1)).retried == 0  # stays failed


def test_the_last_failure_is_counted_as_failed(failing, t0):
    schedule("tests.failing", "k:f", t0)
    Job.objects.filter(key="k:f").update(max_attempts=1)
    summary = run_due(now=t0)
    assert (summary.failed, summary.retried) == (1, 0)
    assert not summary.ok


def test_a_long_error_is_truncated(handlers, t0):
    @handlers("tests.long")
    def long(job):
        raise RuntimeError("x" * 10_000)

    schedule("tests.long", "k:l", t0)
    run_due(now=t0)
    error = Job.objects.get(key="k:l").last_error
    assert error.startswith("RuntimeError: xxx") and len(error) <= services.ERROR_CHARS


def test_what_a_failed_handler_wrote_is_rolled_back(handlers, t0):
    @handlers("tests.half")
    def half(job):
        schedule("tests.count", "k:written-by-the-handler", t0)
        raise RuntimeError("hỏng giữa chừng")

    schedule("tests.half", "k:h", t0)
    run_due(now=t0)
    assert not Job.objects.filter(key="k:written-by-the-handler").exists()


def test_an_unknown_kind_fails_at_once_in_vietnamese(t0):
    schedule("tests.nobody", "k:n", t0)
    summary = run_due(now=t0)
    job = Job.objects.get(key="k:n")
    assert summary.failed == 1
    assert job.status == S.FAILED
    assert job.last_error == "Không có bộ xử lý cho loại việc “tests.nobody”."


def test_a_job_stuck_running_is_put_back_and_run(counter, t0):
    job, _ = schedule("tests.count", "k:s", t0 - datetime.timedelta(hours=1))
    Job.objects.filter(pk=job.pk).update(
        status=S.RUNNING, claimed_at=t0 - 31 * MIN, claimed_by="dead:1", attempts=1
    )
    summary = run_due(now=t0)
    job.refresh_from_db()
    assert summary.recovered == 1 and summary.done == 1
    assert counter == ["k:s"]
    assert job.status == S.DONE and job.attempts == 2
    assert "dừng giữa chừng" in job.last_error


def test_a_job_running_for_a_short_while_is_left_alone(counter, t0):
    job, _ = schedule("tests.count", "k:s", t0)
    Job.objects.filter(pk=job.pk).update(
        status=S.RUNNING, claimed_at=t0 - 10 * MIN, claimed_by="busy:1", attempts=1
    )
    assert run_due(now=t0).recovered == 0
    job.refresh_from_db()
    assert job.status == S.RUNNING and job.claimed_by == "busy:1" and counter == []


def test_a_job_stuck_on_its_last_attempt_fails(counter, t0):
    job, _ = schedule("tests.count", "k:s", t0)
    Job.objects.filter(pk=job.pk).update(status=S.RUNNING, claimed_at=t0 - 31 * MIN, attempts=3)
    summary = run_due(now=t0)
    job.refresh_from_db()
    assert summary.failed == 1 and counter == []
    assert job.status == S.FAILED and "lần chạy cuối cùng" in job.last_error


def test_retry_puts_a_failed_job_back_with_fresh_attempts(failing, t0):
    job = fail_for_good("k:f", t0)
    assert services.retry(job) is True
    job.refresh_from_db()
    assert job.status == S.PENDING and job.attempts == 0 and job.finished_at is None
    assert job.last_error  # the reason it failed stays readable until it runs again
    assert services.retry(job) is False  # not failed any more


def test_a_job_runs_acting_as_the_system(handlers, t0):
    @handlers("tests.audited")
    def audited(job):
        Level.objects.create(code="thu", name="Cấp thử", rank=9)
        return current().label

    schedule("tests.audited", "k:a", t0)
    run_due(now=t0)
    assert Job.objects.get(key="k:a").result == "giaoban jobs"
    entry = AuditEntry.objects.get(model="units.Level", action="create")
    assert entry.actor is None and entry.actor_label == "giaoban jobs"


# --- Schedulers --------------------------------------------------------------------------------


def test_a_registered_scheduler_is_asked_and_its_job_created_once(schedulers, counter, t0):
    asked = []

    def remind(now):
        asked.append(now)
        return [JobSpec("tests.count", "reports:remind:T19:before-3", now, {"unit": "T19"})]

    schedulers.register(remind)
    first = run_due(now=t0)
    second = run_due(now=t0 + MIN)
    assert asked == [t0, t0 + MIN]
    assert (first.scheduled, second.scheduled) == (1, 0)
    assert Job.objects.filter(key="reports:remind:T19:before-3").count() == 1
    assert counter == ["reports:remind:T19:before-3"]  # ran in the first run, once
    assert Job.objects.get().payload == {"unit": "T19"}


def test_a_broken_scheduler_is_reported_and_does_not_stop_the_others(schedulers, counter, t0):
    def broken(now):
        raise KeyError("kỳ báo cáo")

    def fine(now):
        return [JobSpec("tests.count", "k:fine", now)]

    schedulers.register(broken)
    schedulers.register(fine)
    summary = run_due(now=t0)
    assert summary.done == 1 and not summary.ok
    assert len(summary.scheduler_errors) == 1
    assert "broken" in summary.scheduler_errors[0] and "KeyError" in summary.scheduler_errors[0]


def test_schedule_many_skips_known_and_repeated_keys(t0):
    schedule("tests.count", "k:1", t0)
    specs = [JobSpec("tests.count", f"k:{n}", t0) for n in (1, 2, 2, 3)]
    assert services.schedule_many(specs) == 2
    assert sorted(Job.objects.values_list("key", flat=True)) == ["k:1", "k:2", "k:3"]
