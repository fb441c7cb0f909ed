"""Settings of the portal: one module, driven by environment variables.

With no environment at all the portal runs on a laptop: SQLite in ``var/``, Celery tasks run
eagerly in the web process, e-mails are printed on the console and files are kept in
``var/media``. Each variable the README lists switches one piece to its production form.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from portal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

# --- Core -------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-local-key-change-me-" + "x" * 32)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",  # the admin logs in through the portal's login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "import_export",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "portal",
    "audit",
    "calls",
    "associations",
    "grants",
    "conventions",
    "reports",
    "integrity",
    "privacy",
    "seeding",
]

MIDDLEWARE = [
    "portal.middleware.HealthCheckMiddleware",
    "portal.middleware.RequestLogMiddleware",  # request id, access line, latency metrics
    "portal.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.CurrentRequestMiddleware",  # the request, for admin changes' audit entries
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.mfa.RequireMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # logs and answers as an empty cache while Redis is down (portal/cache.py)
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    # Sessions read from the cache, written to the database too: they survive a Redis
    # restart and work while it is down.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background jobs ----------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 660)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    # a request never waits long for a stopped Redis: its jobs stay in the outbox
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = "Africa/Casablanca"
# Periodic jobs; see each app's tasks.py.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "relay-outbox": {"task": "portal.tasks.relay_outbox", "schedule": 60.0},
    "requeue-interrupted-reports": {
        "task": "reports.tasks.requeue_interrupted_reports",
        "schedule": 30.0,
    },
    "close-reopened-applications": {
        "task": "grants.tasks.close_reopened_applications",
        "schedule": 60.0,
    },
    "remind-overdue-reports": {
        "task": "grants.tasks.remind_overdue_reports",
        "schedule": 6 * 3600.0,
    },
    "expire-complement-requests": {
        "task": "grants.tasks.expire_complement_requests",
        "schedule": 300.0,
    },
    "purge-expired-report-files": {
        "task": "reports.tasks.purge_expired_report_files",
        "schedule": 24 * 3600.0,
    },
    "apply-retention-rules": {
        "task": "privacy.tasks.apply_retention_rules",
        "schedule": 24 * 3600.0,
    },
    "recompute-integrity-signals": {
        "task": "integrity.tasks.recompute_all_signals",
        "schedule": 24 * 3600.0,
    },
}

# --- Evaluation -------------------------------------------------------------------------
# Relations that make a reviewer conflicted: "member" (of the applicant association),
# "same_commune", "same_province" (the reviewer's commune against the association's).
REVIEW_CONFLICT_RULES = env_list("REVIEW_CONFLICT_RULES", "member,same_commune")
# Days an association has to answer a request for complements, unless staff say otherwise.
COMPLEMENTS_DEFAULT_DAYS = env_int("COMPLEMENTS_DEFAULT_DAYS", 10)
# Two project texts at least this similar (pg_trgm's trigram similarity, 0 to 1) raise an
# integrity signal (integrity.similarity).
INTEGRITY_SIMILARITY_THRESHOLD = float(env_str("INTEGRITY_SIMILARITY_THRESHOLD", "0.8"))

# --- Accounts -----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.BreachedPasswordValidator"},
]
# Breached-password check (k-anonymity: only 5 hex characters of the SHA-1 are sent).
# Empty to turn it off, e.g. on a server without internet access.
PWNED_PASSWORDS_URL = env_str("PWNED_PASSWORDS_URL", "https://api.pwnedpasswords.com/range/")
PWNED_PASSWORDS_TIMEOUT = env_int("PWNED_PASSWORDS_TIMEOUT", 3)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Portail AAP] "
# Sign-up asks for consent to the personal-data notice and records it (privacy.Consent).
ACCOUNT_SIGNUP_FORM_CLASS = "privacy.forms.SignupConsentForm"
# The client address (rate limits) is REMOTE_ADDR, or behind N trusted proxies the N-th
# X-Forwarded-For entry from the end; entries a client adds before those are ignored.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Second factor: an authenticator app (TOTP) with recovery codes, offered to the ministry's
# roles (portal/mfa.py); compulsory for the roles listed, e.g.
# "staff_officer,committee_member,manager,administrator" (a superuser holds every role).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Portail AAP"
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES")
# Failed logins: 5 per account (key first, so a locked account no longer spends its address's
# allowance) and 30 per client address, which many colleagues may share behind one NAT.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/key,30/5m/ip",
    "signup": "20/h/ip",
    "reset_password": "5/h/ip,3/h/key",
}

# --- Personal data (law 09-08) and retention -------------------------------------------------
# The notice every form collecting personal data shows (templates/includes/
# personal_data_notice.html): the CNDP's declaration number, where people exercise their
# rights, and the notice's version, recorded with each consent given at sign-up.
CNDP_DECLARATION_NUMBER = env_str("CNDP_DECLARATION_NUMBER", "D-GC-000/2026")
PERSONAL_DATA_CONTACT = env_str("PERSONAL_DATA_CONTACT", "donnees-personnelles@social.gov.ma")
PERSONAL_DATA_NOTICE_VERSION = env_str("PERSONAL_DATA_NOTICE_VERSION", "2026-11")
# Retention rules (privacy/services.py; daily apply-retention-rules job, apply_retention
# command): years an application never funded is kept after its call closes; a grant's file
# (application, convention, payments, reports) after the grant is closed or cancelled; an account
# with no login after its last one (when no rule keeps any of its records).
RETENTION_UNFUNDED_APPLICATION_YEARS = env_int("RETENTION_UNFUNDED_APPLICATION_YEARS", 5)
RETENTION_GRANT_YEARS = env_int("RETENTION_GRANT_YEARS", 10)
RETENTION_INACTIVE_ACCOUNT_YEARS = env_int("RETENTION_INACTIVE_ACCOUNT_YEARS", 3)

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("ar", _("العربية")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"  # private: never served under a URL, only through views
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": "/unserved/"},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = DEBUG
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", 20)
# One request's body: a file at the limit and the form around it. Larger is refused (413)
# from its Content-Length, before it is read.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", UPLOAD_MAX_BYTES + 1024 * 1024)
# Spreadsheets imported in the admin, checked before they are parsed (portal/imports.py): what
# an XLSX expands to once uncompressed (or a CSV's size), and rows per file.
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
REPORT_FILE_TTL_DAYS = env_int("REPORT_FILE_TTL_DAYS", 365)
# A worker building a bilan shows a sign of life every REPORT_JOB_HEARTBEAT_SECONDS; a job
# silent for REPORT_JOB_STALE_SECONDS lost its worker and is queued again.
REPORT_JOB_HEARTBEAT_SECONDS = env_int("REPORT_JOB_HEARTBEAT_SECONDS", 10)
REPORT_JOB_STALE_SECONDS = env_int("REPORT_JOB_STALE_SECONDS", 60)
REPORT_JOB_MAX_ATTEMPTS = env_int("REPORT_JOB_MAX_ATTEMPTS", 3)

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Folder of django.core.mail.backends.filebased.EmailBackend (one file per message).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Portail AAP <no-reply@social.gov.ma>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------------
HTTPS = env_bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Operations: logs, errors, metrics --------------------------------------------------------
# "text" on a laptop; "json" in production (one object per line, with the request id, the user
# id and the duration; portal/logs.py). The worker and beat log the same way (portal/celery.py).
LOG_FORMAT = env_str("LOG_FORMAT", "text").lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "portal.logs.ContextFilter"},
        "without_traceback": {"()": "portal.logs.WithoutTraceback"},
    },
    "formatters": {
        "json": {"()": "portal.logs.JsonFormatter"},
        "text": {"()": "portal.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        },
        "client_errors": {
            "class": "logging.StreamHandler",
            "filters": ["context", "without_traceback"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # A disallowed Host is answered 400: one warning line, no traceback.
        "django.security.DisallowedHost": {"handlers": ["client_errors"], "propagate": False},
        # portal.access writes the one line per request; Django's own would repeat it.
        "django.server": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Errors go to Sentry only with a DSN, scrubbed of personal data (portal/sentry.py).
SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")
# /metrics (Prometheus; portal/metrics.py) answers a bearer of METRICS_TOKEN or a client in
# METRICS_ALLOWED_IPS (addresses or CIDRs, the client address as the login's rate limits see
# it: TRUSTED_PROXY_COUNT); anyone else gets 404.
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS")

ADMIN_PATH = env_str("ADMIN_PATH", "admin/")

if SENTRY_DSN:
    from portal.sentry import init as _init_sentry

    _init_sentry(SENTRY_DSN, environment=SENTRY_ENVIRONMENT)
