"""Faults that are the server's, not the user's, answered in Vietnamese instead of a 500.

- The database cannot be reached (PostgreSQL restarting or stopped, the connection lost, the
  SQLite file cannot be opened): 503 "Tạm thời không kết nối được cơ sở dữ liệu", with
  Retry-After. Nothing needs restarting: a later request connects again (PostgreSQL's
  connections kept between requests are checked first, CONN_HEALTH_CHECKS in settings).
- The data directory refuses a write (full, read-only, not writable): 507 with what
  happened — an uploaded file (`core.uploads.StorageError`), or the SQLite database itself
  (disk full, read-only, I/O error), or PostgreSQL's disk full.

Pages get a page (templates 503.html, 507.html: no context, no database), the API
(/api/…) its JSON shape {"detail": "…"}. Any other error — a syntax error, a constraint
violated, a lock waited on too long — is not recognised here and stays a 500 (or whatever
handles it). Each fault is logged with its cause for the operator.

`FaultMiddleware.process_exception` catches what a view raises (ninja re-raises what it
has no handler for); `server_error` (handler500) what is raised outside a view — in a
middleware, or by the session saved after the view.
"""

import logging
import sqlite3
import sys

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from giaoban.core.uploads import StorageError

logger = logging.getLogger("giaoban.faults")

DATABASE, STORAGE = "database", "storage"
RETRY_AFTER = 30  # seconds: a PostgreSQL restart takes a few

# SQLite's primary result codes (the low byte of the extended one).
SQLITE_CANTOPEN, SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR = 14, 13, 8, 10
# PostgreSQL's: class 08 is "connection exception"; these are the server going away or
# refusing new connections for a while; 53100 is its disk full.
PG_GONE = {"57P01", "57P02", "57P03", "53300"}
PG_DISK_FULL = "53100"


def classify(exception):
    """DATABASE, STORAGE, or None for an error that is not a fault of the server's."""
    if isinstance(exception, StorageError):
        return STORAGE
    if not isinstance(exception, (OperationalError, InterfaceError)):
        return None
    cause = exception.__cause__
    if isinstance(cause, psycopg.InterfaceError):  # the connection is closed
        return DATABASE
    if isinstance(cause, psycopg.OperationalError):
        state = cause.sqlstate
        # No SQLSTATE: the client's own failure — refused, lost, closed by the server.
        if state is None or state.startswith("08") or state in PG_GONE:
            return DATABASE
        return STORAGE if state == PG_DISK_FULL else None
    if isinstance(cause, sqlite3.OperationalError):
        code = (getattr(cause, "sqlite_errorcode", 0) or 0) & 0xFF
        if code == SQLITE_CANTOPEN:
            return DATABASE
        if code in (SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR):
            return STORAGE
    return None


def fault_response(request, exception):
    """The answer to a fault of the server's, or None for any other error."""
    kind = classify(exception)
    if kind is None:
        return None
    logger.error(
        "%s %s: %s (%s: %s)",
        request.method,
        request.path,
        "mất kết nối cơ sở dữ liệu" if kind == DATABASE else "không ghi được ổ đĩa dữ liệu",
        type(exception.__cause__ or exception).__name__,
        exception.__cause__ or exception,
    )
    if kind == DATABASE:
        status, template = 503, "503.html"
        message = _(
            "Tạm thời không kết nối được cơ sở dữ liệu; đồng chí vui lòng thử lại sau ít phút."
        )
    else:
        status, template = 507, "507.html"
        message = exception.message if isinstance(exception, StorageError) else ""
        message = message or _(
            "Không ghi được dữ liệu: ổ đĩa dữ liệu của máy chủ đã đầy, chỉ đọc hoặc bị lỗi. "
            "Đồng chí hãy báo cho quản trị viên."
        )
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=status)
    else:
        page = render_to_string(template, {"message": message})
        response = HttpResponse(page, status=status)
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER)
    return response


class FaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return fault_response(request, exception)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a fault raised outside a view gets its own answer; anything else
    Django's 500 page (500.html)."""
    exception = sys.exc_info()[1]
    if exception is not None:
        response = fault_response(request, exception)
        if response is not None:
            return response
    return defaults.server_error(request, template_name)
