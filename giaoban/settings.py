"""One settings module; everything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
# Public on purpose: production refuses to start with it (below).
DEFAULT_SECRET_KEY = "giaoban-insecure-default-key-for-demo-and-tests-only"  # noqa: S105


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def envbool(name, default=False):
    """A yes/no setting. Anything but the words below stops start-up, naming the variable:
    a typo such as GIAOBAN_HTTPS=Ture must never quietly mean "off"."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} không hợp lệ: chỉ nhận 1/0, true/false, yes/no hoặc on/off "
        f"(invalid boolean; use one of {', '.join(TRUE_WORDS + FALSE_WORDS)})."
    )


def envint(name, default, minimum=0):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise ImproperlyConfigured(
            f"{name}={raw!r} không hợp lệ: cần một số nguyên từ {minimum} trở lên."
        )
    return value


def envlist(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("GIAOBAN_DEBUG")
DEMO = envbool("GIAOBAN_DEMO")
DATA_DIR = Path(os.environ.get("GIAOBAN_DATA_DIR", BASE_DIR.parent / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("GIAOBAN_SECRET_KEY", DEFAULT_SECRET_KEY)
# Set by the test settings (tests/settings.py) and by the benchmarks, never guessed.
TESTING = envbool("GIAOBAN_TESTING")
if SECRET_KEY == DEFAULT_SECRET_KEY and not (DEBUG or DEMO or TESTING):
    # Production must never sign sessions with a key that is published in the source.
    raise ImproperlyConfigured(
        "GIAOBAN_SECRET_KEY chưa được đặt: không chạy chế độ sản xuất với khóa mặc định."
    )

ALLOWED_HOSTS = envlist("GIAOBAN_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("GIAOBAN_CSRF_TRUSTED_ORIGINS")

# Django's admin is not installed: every change goes through the app's own pages, which
# check scope, speak Vietnamese and are audited (docs/decisions.md).
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    # Foundation
    "giaoban.core",
    "giaoban.audit",
    "giaoban.units",
    "giaoban.accounts",
    "giaoban.jobs",
    "giaoban.notifications",
    # Domain apps
    "giaoban.reports",
    "giaoban.documents",
    "giaoban.activities",
    "giaoban.conferences",
    "giaoban.campaigns",
    # API and shell
    "giaoban.api",
    "giaoban.shell",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database out of reach or a full data disk: a Vietnamese 503/507, not a 500.
    "giaoban.shell.middleware.FaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "giaoban.audit.middleware.AuditContextMiddleware",
    # Axes must be last: it reads the result of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "giaoban.urls"
WSGI_APPLICATION = "giaoban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "giaoban.shell.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'giaoban.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock
        # when a transaction begins, so that a writer in another thread or server process
        # waits for it (up to `timeout` seconds) instead of failing "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # A connection kept between requests is checked before a request reuses it: after a
    # PostgreSQL restart the next request connects again instead of failing on a dead one.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if TESTING:
    # Live-server threads must not keep connections open past the test database's teardown.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2id with parameters measured here (giaoban/accounts/hashers.py, docs/decisions.md).
PASSWORD_HASHERS = ["giaoban.accounts.hashers.Argon2Hasher"]
if TESTING:
    # Hashing strength is not under test; Argon2 stays the production hasher.
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "giaoban.accounts.hashers.Argon2Hasher",
    ]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins are counted in the database, which every server process shares (a cache
# would have to be shared too: Django's default one is per process).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = envint("GIAOBAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Every page is Vietnamese whatever language the browser asks for: no LocaleMiddleware, so
# a browser set to English (common on office machines) does not get Django's messages in
# English inside Vietnamese pages. English follows as a catalogue and a choice, not a guess.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["giaoban.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG or TESTING:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# Everything is served by the app itself: no CDN, no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# Sessions live in the database: every server process reads them, and they outlive any
# one process (a restart of the workers logs nobody out).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind a TLS terminator on the intranet; GIAOBAN_HTTPS=0 for plain-HTTP demo and tests.
HTTPS = envbool("GIAOBAN_HTTPS", not (DEBUG or DEMO or TESTING))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("GIAOBAN_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GIAOBAN_LOG_LEVEL", "WARNING")},
}

# --- django-ninja (HTTP API) ---
# Not an installed app: its bundled Swagger UI (English) is not used; the app renders its own
# Vietnamese docs page at /api/docs (giaoban/api/docs.py).

# --- E-mail (thư điện tử): notifications are mailed by `giaoban jobs`, never in a request ---
SMTP_HOST = os.environ.get("GIAOBAN_SMTP_HOST", "").strip()
DEFAULT_FROM_EMAIL = os.environ.get("GIAOBAN_EMAIL_FROM", "").strip() or "giaoban@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address of the site as users reach it, for the links in e-mails.
GIAOBAN_SITE_URL = os.environ.get("GIAOBAN_SITE_URL", "").strip().rstrip("/")
if GIAOBAN_SITE_URL and not GIAOBAN_SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"GIAOBAN_SITE_URL={GIAOBAN_SITE_URL!r} không hợp lệ: cần bắt đầu bằng http:// "
        "hoặc https://, ví dụ https://giaoban.intranet."
    )
GIAOBAN_EMAIL_ENABLED = bool(SMTP_HOST) or DEMO
SMTP_OPTIONS = {
    "host": SMTP_HOST or "localhost",
    "port": envint("GIAOBAN_SMTP_PORT", 25, minimum=1),
    "username": os.environ.get("GIAOBAN_SMTP_USER", ""),
    "password": os.environ.get("GIAOBAN_SMTP_PASSWORD", ""),
    "use_tls": envbool("GIAOBAN_SMTP_TLS"),
    "timeout": 30,
}
# Django 6.1 configures e-mail through MAILERS (the EMAIL_* settings are deprecated).
# The demo, and development without a mail server, print e-mails on the console. In
# production without GIAOBAN_SMTP_HOST e-mail is off (nothing is mailed) and the mailer
# stays Django's SMTP default on localhost: `check --deploy` rejects a console backend.
# The tests use Django's in-memory outbox whatever is set here.
if DEMO or (DEBUG and not SMTP_HOST):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": SMTP_OPTIONS,
        }
    }
