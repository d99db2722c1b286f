"""Thông báo — in-app notifications, and e-mail through the background jobs.

- `notify(users, kind, title, body, url, key)` gives each active user one notification;
  with a `key`, a user who already has that key gets nothing new. When e-mail is on
  (`settings.GIAOBAN_EMAIL_ENABLED`) each recipient with an address also gets an e-mail,
  sent by `giaoban jobs` (job kind "notifications.email"), never inside the request.
- `unread_count(user)`, `mark_read(user, ids=None)`: always about the user's own.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.core.text import nfc
from giaoban.jobs.services import JobSpec, handler, schedule_many
from giaoban.notifications.models import Notification

EMAIL_JOB = "notifications.email"


def _check_url(url):
    # A link inside the site only: a notification never sends anyone elsewhere.
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError(f"notification url must be a path inside the site: {url!r}")


def _recipients(users):
    """The active users among `users` (a user, users, ids, or a queryset: read as one)."""
    model = get_user_model()
    if isinstance(users, QuerySet):
        return list(users.filter(is_active=True).distinct().order_by("pk"))
    if isinstance(users, model):
        users = [users]
    ids = {getattr(u, "pk", u) for u in users}
    return list(model.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _create(rows):
    """Insert the rows at once; if a duplicate key slipped in meanwhile (another process
    notified the same user), insert them one by one and skip the duplicates. Rows without
    a key cannot collide: no savepoint for them."""
    if not any(row.key for row in rows):
        return Notification.objects.bulk_create(rows)
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        pass
    created = []
    for row in rows:
        row.pk = None
        row._state.adding = True
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            continue
        created.append(row)
    return created


def notify(users, kind, title, body="", url="", key=""):
    """Notify each active user among `users` (users, ids or a queryset); returns the
    notifications created."""
    kind, title, body, url, key = (nfc(v) or "" for v in (kind, title, body, url, key))
    _check_url(url)
    recipients = _recipients(users)
    if key:
        known = set(
            Notification.objects.filter(
                user_id__in=[u.pk for u in recipients], key=key
            ).values_list("user_id", flat=True)
        )
        recipients = [u for u in recipients if u.pk not in known]
    if not recipients:
        return []
    now = timezone.now()
    rows = [
        Notification(user=u, kind=kind, title=title, body=body, url=url, key=key, created=now)
        for u in recipients
    ]
    created = _create(rows)
    if settings.GIAOBAN_EMAIL_ENABLED:
        # One job per e-mail, created in batches: a notice to every commune stays cheap.
        schedule_many(
            JobSpec(EMAIL_JOB, f"email:{n.pk}", now, {"notification": n.pk})
            for n in created
            if n.user.email
        )
    return created


def notify_all(users, kind, title, body="", url=""):
    """Notify every active user of the queryset `users` with one INSERT … SELECT (a
    workflow notice: no key, nobody to skip, no user row fetched); returns how many.
    With e-mail on, the notifications are needed to plan the mail: notify() does it."""
    if settings.GIAOBAN_EMAIL_ENABLED:
        return len(notify(users, kind, title, body, url))
    kind, title, body, url = (nfc(v) or "" for v in (kind, title, body, url))
    _check_url(url)
    ids = users.filter(is_active=True).order_by().values("pk").distinct()
    select, params = ids.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(Notification._meta.get_field(name).column)
        for name in ("user", "kind", "title", "body", "url", "key", "created")
    )
    pk = quote("pk")  # the subquery's column: values("pk") selects the id AS "pk"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"INSERT INTO {quote(Notification._meta.db_table)} ({columns}) "  # noqa: S608 — no input
        f"SELECT r.{pk}, %s, %s, %s, %s, '', %s FROM ({select}) r"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, title, body, url, now, *params])
        return cursor.rowcount


def unread_count(user):
    """How many of the user's notifications are unread (one COUNT; 0 when signed out)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids=None):
    """Mark the user's unread notifications (all, or those among `ids`) as read; returns
    how many changed. Ids of other users' notifications change nothing."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def absolute_url(path):
    site = (getattr(settings, "GIAOBAN_SITE_URL", "") or "").rstrip("/")
    return f"{site}{path}" if site and path else ""


def email_text(notification):
    parts = [notification.body] if notification.body else []
    link = absolute_url(notification.url)
    if link:
        parts.append(_("Xem tại: %(link)s") % {"link": link})
    parts.append(_("— Thư tự động từ giaoban; không trả lời thư này."))
    return "\n\n".join(parts)


@handler(EMAIL_JOB, label=gettext_lazy("Gửi thư điện tử thông báo"))
def send_email(job):
    """Send one notification by e-mail (the job's payload names it)."""
    notification = (
        Notification.objects.select_related("user")
        .filter(pk=job.payload.get("notification"))
        .first()
    )
    if notification is None:
        return _("Thông báo không còn; không gửi thư.")
    if notification.emailed_at is not None:
        return _("Thư đã được gửi trước đó.")
    user = notification.user
    if not settings.GIAOBAN_EMAIL_ENABLED:
        return _("Thư điện tử đang tắt; không gửi.")
    if not user.email or not user.is_active:
        return _("Người nhận không có địa chỉ thư hoặc đã bị khóa; không gửi.")
    subject = " ".join(notification.title.split())  # a header: one line
    send_mail(subject, email_text(notification), None, [user.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return _("Đã gửi thư cho %(user)s.") % {"user": user.get_username()}
