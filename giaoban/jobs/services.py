"""Việc nền — background work without a broker.

- `@handler("reports.deadline_reminder")` registers `fn(job) -> str | None` (a short
  note on what it did) for a kind of job. Register handlers in a module the app imports
  from its `AppConfig.ready()`, so that the runner knows them.
- `schedule(kind, key, run_at, payload)` creates the job unless its key exists already.
- Schedulers — `scheduler(now) -> iterable of JobSpec`, registered in
  `giaoban.core.registry.jobs` — propose the jobs that fall due; proposing the same key
  on every run is expected and creates nothing.
- `run_due()` (the `giaoban jobs` command, from cron or a systemd timer) asks the
  schedulers, then claims and runs each due job. A claim is one UPDATE conditional on
  the job still being pending, so two runners never run the same job. A failure is
  retried later (backoff) until `max_attempts`, then the job is failed for good: it
  shows on the administrators' page and home page, and the command exits non-zero.
"""

import datetime
import logging
import os
import socket
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.audit.context import acting_as
from giaoban.core import registry
from giaoban.jobs.models import Job

logger = logging.getLogger(__name__)

S = Job.Status
ACTOR_LABEL = "giaoban jobs"
BACKOFF = datetime.timedelta(minutes=5)  # times the number of attempts made
STALE_AFTER = datetime.timedelta(minutes=30)  # "running" longer than this: runner killed
ERROR_CHARS = 2000
RESULT_CHARS = 1000
BATCH = 500

_HANDLERS = {}
_LABELS = {}


@dataclass(frozen=True)
class JobSpec:
    """A job a scheduler proposes; `key` makes proposing it twice harmless."""

    kind: str
    key: str
    run_at: datetime.datetime
    payload: dict = field(default_factory=dict)


@dataclass
class RunSummary:
    """What one `run_due()` did."""

    done: int = 0
    failed: int = 0  # failed for good (no attempt left, or no handler)
    retried: int = 0  # failed, will run again later
    scheduled: int = 0  # new jobs created from the schedulers
    recovered: int = 0  # found stuck "running" and put back to pending
    scheduler_errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.failed and not self.scheduler_errors


def handler(kind, label=None):
    """Register `fn(job) -> str | None` as the handler of jobs of `kind`; `label` is what the
    jobs page calls them (Vietnamese, lazily translated)."""

    def register(fn):
        _HANDLERS[kind] = fn
        if label is not None:
            _LABELS[kind] = label
        return fn

    return register


def handler_for(kind):
    return _HANDLERS.get(kind)


def label_of(kind):
    """The name of a kind of job for people; the kind itself if none was given."""
    return _LABELS.get(kind, kind)


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _check(kind, key):
    if not kind or len(kind) > 100:
        raise ValueError(f"job kind must be 1 to 100 characters: {kind!r}")
    if not key or len(key) > 255:
        raise ValueError(f"job key must be 1 to 255 characters: {key!r}")


def schedule(kind, key, run_at=None, payload=None):
    """Create the job `key` unless it exists; returns (job, created).

    Safe when two processes schedule the same key at once: the unique key decides, and
    the loser gets the winner's job.
    """
    _check(kind, key)
    existing = Job.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind, key=key, run_at=run_at or timezone.now(), payload=payload or {}
            )
    except IntegrityError:
        return Job.objects.get(key=key), False
    return job, True


def schedule_many(specs):
    """Create the jobs among `specs` whose keys are new; returns how many were created.

    For schedulers that propose many jobs on every run: one query per batch of keys
    instead of one per job.
    """
    created = 0
    specs = list({spec.key: spec for spec in specs}.values())
    for start in range(0, len(specs), BATCH):
        batch = specs[start : start + BATCH]
        for spec in batch:
            _check(spec.kind, spec.key)
        known = set(
            Job.objects.filter(key__in=[s.key for s in batch]).values_list("key", flat=True)
        )
        new = [
            Job(kind=s.kind, key=s.key, run_at=s.run_at, payload=s.payload or {})
            for s in batch
            if s.key not in known
        ]
        if new:
            # A key created meanwhile by another runner is skipped, not an error.
            Job.objects.bulk_create(new, ignore_conflicts=True)
            created += len(new)
    return created


def retry(job):
    """Put a failed job back in the queue with fresh attempts; False if it was not failed."""
    changed = Job.objects.filter(pk=job.pk, status=S.FAILED).update(
        status=S.PENDING,
        attempts=0,
        run_at=timezone.now(),
        claimed_at=None,
        claimed_by="",
        finished_at=None,
    )
    return changed == 1


def _error_text(exc):
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"


def _recover_stale(now, summary):
    """Jobs left "running" by a runner that was killed go back to the queue (or fail when
    that was their last attempt)."""
    stale = Job.objects.filter(status=S.RUNNING, claimed_at__lt=now - STALE_AFTER)
    note = _(
        "Tiến trình chạy việc đã dừng giữa chừng (quá %(minutes)s phút không xong); "
        "việc được đưa lại hàng chờ."
    ) % {"minutes": int(STALE_AFTER.total_seconds() // 60)}
    summary.recovered += stale.filter(attempts__lt=F("max_attempts")).update(
        status=S.PENDING, run_at=now, claimed_at=None, claimed_by="", last_error=note
    )
    final = _(
        "Tiến trình chạy việc đã dừng giữa chừng ở lần chạy cuối cùng (quá %(minutes)s "
        "phút không xong)."
    ) % {"minutes": int(STALE_AFTER.total_seconds() // 60)}
    summary.failed += stale.update(status=S.FAILED, finished_at=now, last_error=final)


def _run_schedulers(now, summary):
    for scheduler in registry.jobs:
        name = getattr(scheduler, "__qualname__", repr(scheduler))
        try:
            summary.scheduled += schedule_many(scheduler(now))
        except Exception as exc:  # one broken scheduler must not stop the others
            logger.exception("job scheduler %s failed", name)
            summary.scheduler_errors.append(f"{name}: {_error_text(exc)}")


def claim(pk, now, worker):
    """Take the pending job `pk` for this worker; False if another runner took it first."""
    changed = Job.objects.filter(pk=pk, status=S.PENDING).update(
        status=S.RUNNING, claimed_at=now, claimed_by=worker, attempts=F("attempts") + 1
    )
    return changed == 1


def _finish(job, now, **fields):
    # Conditional on the claim: a job recovered as stale meanwhile is not overwritten.
    return (
        Job.objects.filter(pk=job.pk, status=S.RUNNING, claimed_by=job.claimed_by).update(
            finished_at=now, **fields
        )
        == 1
    )


def _fail(job, now, error, summary):
    if job.attempts >= job.max_attempts:
        _finish(job, now, status=S.FAILED, last_error=error)
        summary.failed += 1
        logger.error("job %s failed for good: %s", job.key, error)
        return
    Job.objects.filter(pk=job.pk, status=S.RUNNING, claimed_by=job.claimed_by).update(
        status=S.PENDING,
        run_at=now + BACKOFF * job.attempts,
        claimed_at=None,
        claimed_by="",
        last_error=error,
    )
    summary.retried += 1


class LostClaim(Exception):
    """The job stopped being this runner's while its handler ran."""


def run_one(job, clock, summary):
    """Run a claimed job's handler; its changes and the "done" mark commit together."""
    fn = _HANDLERS.get(job.kind)
    if fn is None:
        job.attempts = job.max_attempts  # nothing will run it on a retry either
        error = _("Không có bộ xử lý cho loại việc “%(kind)s”.") % {"kind": job.kind}
        _fail(job, clock(), error, summary)
        return
    try:
        with acting_as(label=ACTOR_LABEL), transaction.atomic():
            note = fn(job)
            if not _finish(job, clock(), status=S.DONE, result=str(note or "")[:RESULT_CHARS]):
                raise LostClaim
    except LostClaim:
        # Taken back as stale by another runner meanwhile: its work is rolled back and it
        # runs again from the queue, so that it is done once.
        logger.warning("job %s was recovered by another runner while running", job.key)
        return
    except Exception as exc:
        logger.warning("job %s (attempt %s) failed", job.key, job.attempts, exc_info=True)
        _fail(job, clock(), _error_text(exc), summary)
        return
    summary.done += 1


def run_due(now=None, worker=None, limit=None):
    """Schedule what the registered schedulers propose, then run every due pending job
    (oldest first, at most `limit`). Returns a RunSummary."""
    clock = (lambda: now) if now is not None else timezone.now
    worker = worker or worker_name()
    summary = RunSummary()
    start = clock()
    with acting_as(label=ACTOR_LABEL):
        _run_schedulers(start, summary)
    _recover_stale(start, summary)
    due = Job.objects.filter(status=S.PENDING, run_at__lte=start).order_by("run_at", "pk")
    pks = due.values_list("pk", flat=True)
    for pk in list(pks[:limit] if limit else pks):
        if not claim(pk, clock(), worker):
            continue  # another runner has it
        run_one(Job.objects.get(pk=pk), clock, summary)
    return summary
