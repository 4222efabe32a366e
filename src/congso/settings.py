"""CongSo settings, read once from the environment.

Every setting that differs between a laptop and production is an environment variable with a
default and a line of help (see docs/deployment.md, which lists the same names).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("CONGSO_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()


def _development_secret_key() -> str:
    """A random key generated once and kept under var/ so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# DEBUG: show tracebacks and serve static files from the app folders. Never on in production.
DEBUG = env.bool("DEBUG", default=False)
# SECRET_KEY: signs sessions and tokens. Production must set it; development keeps one in var/.
SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key()
# ALLOWED_HOSTS: comma-separated host names this server answers to.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
# CSRF_TRUSTED_ORIGINS: comma-separated origins (https://congso.example.gov.vn) behind a proxy.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# CONGSO_AUDIT_CHECKPOINTS: file of signed audit-chain checkpoints (outside the database).
AUDIT_CHECKPOINT_FILE = Path(
    env.str("CONGSO_AUDIT_CHECKPOINTS", default=str(VAR_DIR / "audit-checkpoints.jsonl"))
)
# CONGSO_AUDIT_KEY: key of the checkpoint signatures (default: derived from SECRET_KEY).
AUDIT_CHECKPOINT_KEY = env.str("CONGSO_AUDIT_KEY", default="")
# CONGSO_AUDIT_CHECKPOINT_MINUTES: how often the task worker writes a checkpoint.
AUDIT_CHECKPOINT_MINUTES = env.int("CONGSO_AUDIT_CHECKPOINT_MINUTES", default=60)
# CONGSO_PRODUCTION: this is a production server (secure defaults; demo data refused).
PRODUCTION = env.bool("CONGSO_PRODUCTION", default=False)
# SECURE_COOKIES: send cookies only over HTTPS and set HSTS (on in production).
SECURE = env.bool("SECURE_COOKIES", default=not DEBUG and PRODUCTION)
# CONGSO_PUBLIC_URL: the address citizens reach CongSo at; printed in QR codes and e-mails.
PUBLIC_URL = env.str("CONGSO_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "congso.accounts.adminapp.CongSoAdminConfig",  # django.contrib.admin, second factor required
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "congso.core",
    "congso.accounts",
    "congso.audit",
    "congso.org",
    "congso.calendar",
    "congso.search",
    "congso.procedures",
    "congso.notify",
    "congso.dossiers",
    "congso.eservices",
    "congso.documents",
    "congso.signing",
    "congso.counters",
    "congso.feedback",
    "congso.dashboard",
    "congso.api",
    # The public portal (issue 15): Wagtail and what it needs. No wagtail.embeds (editors cannot
    # embed third-party HTML) and no wagtail.contrib.forms.
    "congso.portal",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
]

MIDDLEWARE = [
    "congso.core.logs.RequestIdMiddleware",
    "congso.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CSP with a per-request nonce, Permissions-Policy, no-store (ADR 0101); after WhiteNoise
    # so that static files stay cacheable.
    "congso.core.headers.SecurityHeadersMiddleware",
    # The portal's editorial admin (Wagtail) gets its own policy (ADR 0111).
    "congso.portal.middleware.PortalAdminPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Query strings and form fields NFC, control characters refused (congso.core.inputs);
    # after authentication so that its refusal page has the user, before every view.
    "congso.core.inputs.InputTextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # A request for a portal site's own host name is answered by that site (congso.portal, ADR 0110).
    "congso.portal.middleware.PortalHostMiddleware",
    "congso.accounts.middleware.SessionActivityMiddleware",
    "congso.accounts.middleware.SecondFactorMiddleware",
    "congso.accounts.middleware.RefusalLogMiddleware",
]
# The issuer shown in authenticator apps beside the account of a second factor.
OTP_TOTP_ISSUER = "Công sở số"

# CONGSO_QUERY_COUNT_HEADER: add X-Query-Count to responses (benchmarks only).
if env.bool("CONGSO_QUERY_COUNT_HEADER", default=False):
    MIDDLEWARE.insert(0, "congso.core.middleware.QueryCountHeaderMiddleware")

ROOT_URLCONF = "congso.urls"
WSGI_APPLICATION = "congso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "congso.core.context_processors.site",
                "congso.core.headers.csp_nonce",
            ],
        },
    }
]

# DATABASE_URL: sqlite:///var/congso.sqlite3 (default, embedded) or postgres://user@host/db.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'congso.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue instead of failing half-way ("database is locked" on upgrade).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, with a health check that costs no round trip (congso.core.db).
        DATABASES["default"]["ENGINE"] = "congso.core.db.postgresql"
    # DATABASE_PREPARED_STATEMENTS: parameters bound by the server and statements prepared by
    # psycopg after their 5th use on a connection, so PostgreSQL plans the hot queries (intake,
    # lookup, queues) once per connection, not on every request. Set false behind a pooler in
    # transaction mode (PgBouncer without max_prepared_statements).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "server_side_binding": True,
            "prepare_threshold": 5,
        }
# DATABASE_REPLICA_URL: a PostgreSQL streaming replica of DATABASE_URL (empty: none). Reads that
# may lag (statistics, registers, exports, the public catalogue) go there through
# congso.core.db.replica (ADR 0085); writes and everything else stay on the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
# DATABASE_REPLICA_MAX_LAG_SECONDS: a replica further behind than this is not read from.
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=10.0)
# DATABASE_REPLICA_CHECK_SECONDS: how often each process probes the replica's health and lag.
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=5.0)
# DATABASE_REPLICA_PIN_SECONDS: after a request that wrote, that browser reads from the
# primary for this long (it sees its own change on the next page).
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=15)
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    _replica = env.db_url_config(DATABASE_REPLICA_URL)
    if DATABASES["default"]["ENGINE"] != "congso.core.db.postgresql" or _replica["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        raise ValueError("DATABASE_REPLICA_URL needs PostgreSQL for both DATABASE_URL and itself")
    _replica["ENGINE"] = "congso.core.db.postgresql"
    _replica["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    _replica["CONN_HEALTH_CHECKS"] = True
    _replica["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **_replica.get("OPTIONS", {}),
        # A read-only session on the server too, and a replica that does not answer is given
        # up quickly (the primary answers instead).
        "options": "-c default_transaction_read_only=on",
        "connect_timeout": 2,
    }
    # Tests: the replica alias reads the test database itself.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["congso.core.db.replica.ReplicaRouter"]
    # Last: a GET whose replica read failed is answered again by the view alone.
    MIDDLEWARE.append("congso.core.db.replica.ReplicaReadsMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "congso.accounts.backends.LockoutBackend",
    "congso.accounts.backends.EmailOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "congso.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "congso.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failed logins (django-axes).
# AXES_FAILURE_LIMIT: failed attempts before an account+address pair is locked. The account is
# the one the typed login resolves to (case, spaces, NFC/NFD, +84/0 spellings share one lock).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# AXES_COOLOFF_MINUTES: how long a lock-out lasts.
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_USERNAME_CALLABLE = "congso.accounts.logins.lockout_key"
AXES_LOCKOUT_CALLABLE = "congso.accounts.security.lockout_response"
# CONGSO_LOGIN_ADDRESS_FAILURES: failed logins one client address may make (any accounts) within
# AXES_COOLOFF_MINUTES before every login from it is refused (password spraying).
CONGSO_LOGIN_ADDRESS_FAILURES = env.int("CONGSO_LOGIN_ADDRESS_FAILURES", default=20)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [SRC_DIR / "static"]
# MEDIA_ROOT: where uploaded files live with the default local storage.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# FILE_STORAGE: "local" (MEDIA_ROOT, the default) or "s3" (an S3-compatible object store through
# django-storages; every app node then reads and writes the same files, ADR 0084).
FILE_STORAGE = env.str("FILE_STORAGE", default="local")
# FILE_DOWNLOADS: how a permitted download reaches the browser. "app" (default): the app streams
# the file after its permission check. "signed" (S3 only): a redirect to a signed URL of the
# private bucket, valid FILE_URL_SECONDS, issued after the same check.
FILE_DOWNLOADS = env.str("FILE_DOWNLOADS", default="app")
# FILE_URL_SECONDS: life of a signed download URL.
FILE_URL_SECONDS = env.int("FILE_URL_SECONDS", default=60)
_default_storage: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if FILE_STORAGE == "s3":
    from botocore.config import Config as _BotoConfig

    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            # AWS_STORAGE_BUCKET_NAME: the bucket (private: no public ACL, no bucket policy).
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default="congso"),
            # AWS_S3_ENDPOINT_URL: the store's address (MinIO, Ceph, a cloud's S3); empty = AWS.
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            # AWS_S3_REGION_NAME: the bucket's region (any value for most S3-compatible stores).
            "region_name": env.str("AWS_S3_REGION_NAME", default="us-east-1"),
            # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: the app's key; empty = boto3's own chain
            # (instance role, ~/.aws).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # AWS_LOCATION: a key prefix inside the bucket (several sites sharing one bucket).
            "location": env.str("AWS_LOCATION", default=""),
            "default_acl": None,  # objects inherit the bucket's private default
            "querystring_auth": True,  # every URL the storage gives out is signed ...
            "querystring_expire": FILE_URL_SECONDS,  # ... and short-lived
            "file_overwrite": False,  # a second upload of a name gets a new name, as on disk
            "max_memory_size": 2 * 1024 * 1024,  # a file being read spills to disk past 2 MB
            # (a client_config replaces django-storages' own: signature and addressing go here)
            "client_config": _BotoConfig(
                signature_version="s3v4",
                # AWS_S3_ADDRESSING_STYLE: "path" for most self-hosted stores, "virtual" for AWS.
                s3={"addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path")},
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }
elif FILE_STORAGE != "local":
    raise ValueError(f"FILE_STORAGE must be 'local' or 's3', not {FILE_STORAGE!r}")
if FILE_DOWNLOADS not in ("app", "signed"):
    raise ValueError(f"FILE_DOWNLOADS must be 'app' or 'signed', not {FILE_DOWNLOADS!r}")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env.bool("CONGSO_TESTING", default=False)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Tests and development serve static files straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG or env.bool("CONGSO_TESTING", default=False)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
if not WHITENOISE_USE_FINDERS:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# UPLOAD_MAX_MB: the largest single attachment accepted.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", default=20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# EMAIL_URL: smtp://user:pass@host:587 ; the default prints e-mails to the console.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# DEFAULT_FROM_EMAIL: sender of notifications.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CongSo <khong-tra-loi@congso.local>")
# SMS_BACKEND: dotted path of the SMS sender; the default writes messages to the log.
SMS_BACKEND = env.str("SMS_BACKEND", default="congso.notify.backends.LogSmsBackend")
# --- background work (django-tasks, ADR 0043) ------------------------------------------------
# TASKS_BACKEND: "database" (jobs are rows in the database, run by `manage.py worker`; the
# default, and what `make run` uses) or "immediate" (run in the process right after the commit
# that asked for them; the test suite's default).
TASKS_BACKEND = env.str(
    "TASKS_BACKEND",
    default="immediate" if env.bool("CONGSO_TESTING", default=False) else "database",
)
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND]
    }
}
# METRICS_ALLOWED_NETWORKS: who may read /metrics (client address after trusted proxies).
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
# TASKS_TICK: seconds between scheduler ticks (periodic jobs, stalled-job recovery).
TASKS_TICK = env.int("TASKS_TICK", default=15)
# TASKS_STALL_SECONDS: a job RUNNING longer than this is taken as lost with its worker and run again.
TASKS_STALL_SECONDS = env.int("TASKS_STALL_SECONDS", default=600)
# EXPORT_INLINE_ROWS: an export (register) of more rows than this is built by the task worker,
# its progress shown on a page, instead of inside the request (ADR 0047).
EXPORT_INLINE_ROWS = env.int("EXPORT_INLINE_ROWS", default=5000)
# EXPORT_KEEP_HOURS: how long the file of a background export can be downloaded before it is
# deleted; EXPORT_FORGET_DAYS: when the job's row itself goes.
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)
EXPORT_FORGET_DAYS = env.int("EXPORT_FORGET_DAYS", default=30)

# NOTIFY_INLINE: deliver a request's e-mails and SMS right after its commit (true, the default:
# nothing else to run). Production sets false: the task worker's periodic drain sends them and
# retries failures (`manage.py worker`), so a slow gateway never holds a request.
NOTIFY_INLINE = env.bool("NOTIFY_INLINE", default=True)

# CACHE_URL: locmemcache:// by default; redis://127.0.0.1:6379/1 in production (rate limits, lookups).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "congso.core.cache.RedisCache"  # one redis-py client per pool

# Sessions are kept in the database and read through the cache (Redis in production), so a
# logged-in request does not query the session table.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
# SESSION_COOKIE_AGE_HOURS: a session ends this long after its login, however active.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE_HOURS", default=8) * 3600
# CONGSO_STAFF_IDLE_MINUTES: staff sessions (officers, admin) end after this long without a
# request; CONGSO_CITIZEN_IDLE_MINUTES the same for citizens and organisations (0 = no limit).
CONGSO_STAFF_IDLE_MINUTES = env.int("CONGSO_STAFF_IDLE_MINUTES", default=30)
CONGSO_CITIZEN_IDLE_MINUTES = env.int("CONGSO_CITIZEN_IDLE_MINUTES", default=0)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "congso.core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "congso.core.logs.JsonFormatter"},
    },
    # LOG_FORMAT: "plain" (default) or "json" (one object per line, with the request id).
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env.str("LOG_FORMAT", default="plain"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},  # a line per page edit; the audit log keeps publishes
    },  # a line per job state is noise; failures show
}

# LOOKUP_RATE_LIMIT: public dossier lookups allowed per client address and minute.
LOOKUP_RATE_LIMIT = env.int("LOOKUP_RATE_LIMIT", default=20)
# CONGSO_SIGNING_DIR: where unit certificates for PAdES signatures are kept (demo ones are made).
SIGNING_DIR = Path(env.str("CONGSO_SIGNING_DIR", default=str(VAR_DIR / "signing")))
# Wrong signing-PIN tries in a row before the signer's PIN is locked (ADR 0076).
SIGNING_PIN_ATTEMPTS = env.int("CONGSO_SIGNING_PIN_ATTEMPTS", default=5)
# CONGSO_OUTBOX_DIR: the national-portal sync transport writes payloads here by default.
OUTBOX_DIR = Path(env.str("CONGSO_OUTBOX_DIR", default=str(VAR_DIR / "outbox")))

# --- eservices (online public services) -------------------------------------------------
# CONGSO_PAYMENT_MERCHANT / _SECRET: the merchant code (vnp_TmnCode) and HMAC secret at the gateway.
CONGSO_PAYMENT_MERCHANT = env.str("CONGSO_PAYMENT_MERCHANT", default="CONGSO01")
CONGSO_PAYMENT_SECRET = env.str(
    "CONGSO_PAYMENT_SECRET", default="sandbox-secret-not-for-production"
)
# CONGSO_PAYMENT_GATEWAY_URL: the gateway's payment page; empty = the local sandbox gateway.
CONGSO_PAYMENT_GATEWAY_URL = env.str("CONGSO_PAYMENT_GATEWAY_URL", default="")
# CONGSO_PAYMENT_SANDBOX: serve the local sandbox gateway at /sandbox-thanh-toan/ (always when DEBUG).
CONGSO_PAYMENT_SANDBOX = env.bool("CONGSO_PAYMENT_SANDBOX", default=False)
# CONGSO_EID_*: the national e-ID (VNeID-style) OpenID Connect provider; empty issuer = disabled.
# With DEBUG the default issuer is the local test provider below.
CONGSO_EID_ISSUER = env.str(
    "CONGSO_EID_ISSUER", default=f"{PUBLIC_URL}/eid-thu-nghiem" if DEBUG else ""
)
CONGSO_EID_CLIENT_ID = env.str("CONGSO_EID_CLIENT_ID", default="congso")
CONGSO_EID_CLIENT_SECRET = env.str("CONGSO_EID_CLIENT_SECRET", default="")
# CONGSO_EID_TEST_PROVIDER: serve a local test OIDC provider at /eid-thu-nghiem/ (dev and tests only).
CONGSO_EID_TEST_PROVIDER = env.bool("CONGSO_EID_TEST_PROVIDER", default=DEBUG)
# CONGSO_VERIFY_CODE_MINUTES / _ATTEMPTS: life (at most 10 minutes) and allowed wrong tries of an
# e-mail/SMS code.
CONGSO_VERIFY_CODE_MINUTES = env.int("CONGSO_VERIFY_CODE_MINUTES", default=10)
CONGSO_VERIFY_CODE_ATTEMPTS = env.int("CONGSO_VERIFY_CODE_ATTEMPTS", default=5)
# CONGSO_CODE_REQUESTS_PER_ADDRESS / _PER_HOUR: registrations, resends and reset requests per
# client address and in total per hour (each may cost an SMS; counted in the shared cache).
CONGSO_CODE_REQUESTS_PER_ADDRESS = env.int("CONGSO_CODE_REQUESTS_PER_ADDRESS", default=10)
CONGSO_CODE_REQUESTS_PER_HOUR = env.int("CONGSO_CODE_REQUESTS_PER_HOUR", default=1000)
# CONGSO_CODE_CHECKS_PER_ADDRESS / _PER_HOUR: codes typed per client address and in total per hour.
CONGSO_CODE_CHECKS_PER_ADDRESS = env.int("CONGSO_CODE_CHECKS_PER_ADDRESS", default=20)
CONGSO_CODE_CHECKS_PER_HOUR = env.int("CONGSO_CODE_CHECKS_PER_HOUR", default=3000)

# --- dossiers (one-stop) ----------------------------------------------------------------
# NATIONAL_PORTAL_TRANSPORT: dotted path of the national-portal sync transport (send(job));
# the default writes JSON files under CONGSO_OUTBOX_DIR/national_portal/.
NATIONAL_PORTAL_TRANSPORT = env.str(
    "NATIONAL_PORTAL_TRANSPORT", default="congso.dossiers.sync.OutboxFolderTransport"
)

# --- shared uploads and client address (follow-ups) -----------------------------------------
# CONGSO_VIRUS_SCANNER moved with the validator to congso.core.uploads; an unset variable now
# defaults there (the old default path congso.eservices.uploads.* no longer exists).
# Production: congso.core.clamd.ClamdScanner (ClamAV's daemon, ADR 0100); `check --deploy` warns
# while the no-op or the EICAR test scanner is set. A scanner that cannot answer refuses the upload.
CONGSO_VIRUS_SCANNER = env.str("CONGSO_VIRUS_SCANNER", default="congso.core.uploads.NoopScanner")
# CONGSO_CLAMD_ADDRESS: where clamd listens: unix:///var/run/clamav/clamd.ctl (Debian's
# clamav-daemon) or tcp://host:3310. CONGSO_CLAMD_TIMEOUT: seconds to wait for its answer.
CONGSO_CLAMD_ADDRESS = env.str("CONGSO_CLAMD_ADDRESS", default="unix:///var/run/clamav/clamd.ctl")
CONGSO_CLAMD_TIMEOUT = env.float("CONGSO_CLAMD_TIMEOUT", default=30.0)
# TRUSTED_PROXY_COUNT: how many reverse proxies in front of the app append to X-Forwarded-For;
# 0 (default) = never trust that header and use REMOTE_ADDR (see congso.core.http.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# django-axes locks out by (username, address): give it the same real client address.
AXES_CLIENT_IP_CALLABLE = "congso.core.http.client_ip"


# --- security headers (issue #11, finding 11; ADR 0101) --------------------------------------
# SECURE_CSP: the Content-Security-Policy of HTML pages (congso.core.headers; the name and
# shape of Django 6.0's built-in setting). "'nonce'" becomes the request's nonce. No
# 'unsafe-inline': inline styles and scripts live in static files. Forms may post to CongSo
# and be redirected to the payment gateway and the e-ID provider (form-action).
def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'nonce'"],
    "style-src": ["'self'", "'nonce'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": [
        "'self'",
        *sorted(
            {o for o in (_origin(CONGSO_PAYMENT_GATEWAY_URL), _origin(CONGSO_EID_ISSUER)) if o}
        ),
    ],
}
# CONGSO_PERMISSIONS_POLICY: browser features pages may use; none of these is needed (the CCCD
# QR code at the desk is read by a scanner that types, not the camera: ADR 0063).
PERMISSIONS_POLICY = env.str(
    "CONGSO_PERMISSIONS_POLICY",
    default="accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), serial=(), hid=()",
)

# --- public portal (Wagtail, issue 15, ADR 0110) ---------------------------------------------
WAGTAIL_SITE_NAME = "Cổng thông tin điện tử"
WAGTAILADMIN_BASE_URL = PUBLIC_URL
# Editors sign in through CongSo's own login (lock-out, sessions, second factor).
WAGTAILADMIN_LOGIN_URL = "portal:admin_login"
WAGTAIL_FRONTEND_LOGIN_URL = "/tai-khoan/dang-nhap/"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt")]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_ENABLE_UPDATE_CHECK = False  # tests and closed networks never call out
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatar requests to a third party
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = UPLOAD_MAX_BYTES
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = UPLOAD_MAX_BYTES
# Uploads in the Wagtail admin go through core.uploads like every other (ADR 0109).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "congso.portal.upload_forms.CheckedDocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "congso.portal.upload_forms.CheckedImageForm"
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []  # uploaded documents are always attachments
WAGTAILEMBEDS_RESPONSIVE_HTML = False
# CONGSO_PORTAL_URL_MODE: "path" (default: every site under /cong/<site>/ on this server, no
# host names needed) or "host" (links use each site's own host name, set in the Wagtail Sites
# admin, e.g. phuongnhanchinh.thanhxuan.gov.vn; the server must answer to those names).
PORTAL_URL_MODE = env.str("CONGSO_PORTAL_URL_MODE", default="path")
# CONGSO_PORTAL_HOST_SUFFIX: host names given to new sites, "<site>.<suffix>" (".localhost"
# names reach 127.0.0.1 in browsers without editing hosts).
PORTAL_HOST_SUFFIX = env.str("CONGSO_PORTAL_HOST_SUFFIX", default="localhost")

# CONGSO_UPLOAD_DAILY_MB_CITIZEN / _FILES_CITIZEN: what one citizen or organisation account may
# upload per day (all e-services drafts and supplement answers together); _STAFF the same for
# an officer (desk scans, result files, document scans and drafts). 0 = no limit (ADR 0104).
CONGSO_UPLOAD_DAILY_MB_CITIZEN = env.int("CONGSO_UPLOAD_DAILY_MB_CITIZEN", default=200)
CONGSO_UPLOAD_DAILY_FILES_CITIZEN = env.int("CONGSO_UPLOAD_DAILY_FILES_CITIZEN", default=100)
CONGSO_UPLOAD_DAILY_MB_STAFF = env.int("CONGSO_UPLOAD_DAILY_MB_STAFF", default=4000)
CONGSO_UPLOAD_DAILY_FILES_STAFF = env.int("CONGSO_UPLOAD_DAILY_FILES_STAFF", default=3000)
