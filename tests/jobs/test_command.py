"""`giaoban jobs`: runs what is due, says so in Vietnamese, fails loudly for cron."""

import io
import signal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from giaoban.jobs.management.commands import jobs as command
from giaoban.jobs.models import Job
from giaoban.jobs.services import JobSpec, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def ok(handlers):
    @handlers("tests.ok")
    def run(job):
        return "xong"


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("jobs", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_runs_due_jobs_and_prints_a_summary(ok):
    schedule("tests.ok", "k:1")
    schedule("tests.ok", "k:2")
    out, err = run_command()
    assert "Việc nền: 2 xong, 0 lỗi sẽ thử lại, 0 lỗi hẳn, 0 việc mới được lên lịch." in out
    assert err == ""
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.DONE}


def test_a_retried_failure_does_not_fail_the_run(failing):
    schedule("tests.failing", "k:f")
    out, _err = run_command()
    assert "1 lỗi sẽ thử lại" in out


def test_a_job_failed_for_good_fails_the_run(failing):
    schedule("tests.failing", "k:f")
    Job.objects.update(max_attempts=1)
    with pytest.raises(CommandError, match="1 việc nền lỗi hẳn"):
        run_command()


def test_the_exit_code_is_not_zero_on_a_failure(failing, monkeypatch):
    """As cron runs it: `giaoban jobs` exits 1 and names the failure on stderr."""
    schedule("tests.failing", "k:f")
    Job.objects.update(max_attempts=1)
    # run_from_argv closes the database connections when it ends; the test's must live.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    err = io.StringIO()
    cmd = command.Command(stdout=io.StringIO(), stderr=err)
    with pytest.raises(SystemExit) as exit_info:
        cmd.run_from_argv(["giaoban", "jobs"])
    assert exit_info.value.code == 1
    assert "việc nền lỗi hẳn" in err.getvalue()


def test_a_broken_scheduler_fails_the_run(schedulers):
    def broken(now):
        raise RuntimeError("không đọc được kỳ báo cáo")

    schedulers.register(broken)
    with pytest.raises(CommandError, match="Bộ lên lịch bị lỗi"):
        run_command()


def test_the_limit_caps_a_run(ok):
    for n in range(3):
        schedule("tests.ok", f"k:{n}")
    out, _err = run_command("--limit", "2")
    assert "2 xong" in out
    assert Job.objects.filter(status=Job.Status.PENDING).count() == 1


@pytest.mark.parametrize("args", [["--limit", "0"], ["--loop", "0"]])
def test_bad_numbers_are_refused_in_vietnamese(args):
    with pytest.raises(CommandError, match="cần một số"):
        run_command(*args)


def test_the_loop_runs_again_until_sigterm(ok, schedulers, monkeypatch):
    """--loop keeps going (a failure does not stop it) and ends cleanly on SIGTERM."""
    runs = []

    def scheduler(now):
        return [JobSpec("tests.ok", f"k:loop:{len(runs)}", now)]

    schedulers.register(scheduler)
    real = command.run_due

    def counted(**kwargs):
        runs.append(1)
        summary = real(**kwargs)
        if len(runs) == 3:
            signal.raise_signal(signal.SIGTERM)
        return summary

    monkeypatch.setattr(command, "run_due", counted)
    previous = signal.getsignal(signal.SIGTERM)
    out, _err = run_command("--loop", "1")
    assert len(runs) == 3
    assert out.count("Việc nền: 1 xong") == 3
    assert "Đã dừng chạy việc nền." in out
    assert signal.getsignal(signal.SIGTERM) is previous  # handler restored
