"""`giaoban jobs [--loop SECONDS] [--limit N]` — run the background jobs that are due.

Run it every minute from cron or a systemd timer (docs/operations.md). Without
`--loop` it runs once and exits non-zero when a job failed for good or a scheduler
broke, so that cron mails the failure and systemd marks the run failed. With `--loop`
it keeps running until SIGTERM or Ctrl+C; failures then go to the error output (the
journal) and to the administrators' page.
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from giaoban.jobs.services import run_due


def summary_line(summary):
    line = _(
        "Việc nền: %(done)s xong, %(retried)s lỗi sẽ thử lại, %(failed)s lỗi hẳn, "
        "%(scheduled)s việc mới được lên lịch."
    ) % {
        "done": summary.done,
        "retried": summary.retried,
        "failed": summary.failed,
        "scheduled": summary.scheduled,
    }
    if summary.recovered:
        line += " " + _("%(n)s việc bị ngắt giữa chừng được đưa lại hàng chờ.") % {
            "n": summary.recovered
        }
    return line


def problems(summary):
    out = []
    if summary.failed:
        out.append(
            _("%(n)s việc nền lỗi hẳn: xem trang Việc nền (/cong-viec-nen/).")
            % {"n": summary.failed}
        )
    for error in summary.scheduler_errors:
        out.append(_("Bộ lên lịch bị lỗi: %(error)s") % {"error": error})
    return out


class Command(BaseCommand):
    @property
    def help(self):
        return _("Chạy các việc nền đến hạn (nhắc hạn, gửi thư…).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=int,
            metavar="SECONDS",
            help=_("Chạy lặp lại sau mỗi SECONDS giây cho đến khi bị dừng (SIGTERM, Ctrl+C)."),
        )
        parser.add_argument(
            "--limit", type=int, metavar="N", help=_("Chạy nhiều nhất N việc mỗi lượt.")
        )

    def handle(self, *args, loop=None, limit=None, **options):
        if loop is not None and loop < 1:
            raise CommandError(_("--loop cần một số giây từ 1 trở lên."))
        if limit is not None and limit < 1:
            raise CommandError(_("--limit cần một số nguyên từ 1 trở lên."))
        if loop is None:
            self._once(limit, options["verbosity"], fail=True)
            return
        self._loop(loop, limit, options["verbosity"])

    def _once(self, limit, verbosity, fail):
        summary = run_due(limit=limit)
        if verbosity >= 1:
            self.stdout.write(summary_line(summary))
        found = problems(summary)
        if found and fail:
            raise CommandError(" ".join(found))
        for line in found:
            self.stderr.write(line)

    def _loop(self, seconds, limit, verbosity):
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        try:
            while not stop.is_set():
                self._once(limit, verbosity, fail=False)
                stop.wait(seconds)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        if verbosity >= 1:
            self.stdout.write(_("Đã dừng chạy việc nền."))
