"""Configuration, read from environment variables in this one module."""

import json
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def instance_secrets(instance_path: str) -> dict:
    """Secrets generated once into the instance folder, so a fresh checkout runs with no setup.

    Production sets SECRET_KEY, DATA_KEYS and BLIND_INDEX_KEY in the environment instead; the
    file is only the embedded default and is created readable by its owner alone.
    """
    path = Path(instance_path) / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    generated = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATA_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(48),
        "IP_HASH_KEY": secrets.token_urlsafe(48),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(generated, handle)
    return generated


class Config:
    """Every setting, from the environment, with the embedded defaults a newcomer needs."""

    # "development" turns on the local mail viewer and allows cookies over plain http.
    ENV_NAME = os.environ.get("CAMPAIGN_ENV", "production")
    DEVELOPMENT = ENV_NAME == "development"

    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Comma-separated keys (Fernet key format); the first encrypts, all decrypt (rotation).
    DATA_KEYS = os.environ.get("DATA_KEYS")
    BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY")
    IP_HASH_KEY = os.environ.get("IP_HASH_KEY")

    # Where secrets.json, the SQLite file and the periodic jobs' lock live. None: Flask's own
    # choice, `instance/` beside the package in a checkout, `<prefix>/var/campaign-instance` when
    # installed (pip install .), as the package's folder may not be writable.
    INSTANCE_PATH = os.environ.get("INSTANCE_PATH")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite in the instance folder
    # No ping before each checkout: a round trip per request, ~6% more CPU per signature in the
    # web process and ~10% in PostgreSQL (bench/dead_connections.py). Connections that died with
    # a database restart are found at checkout without one, and a view whose connection is lost
    # before it commits runs once more (core/database.py): both cost microseconds, and a restart
    # then costs no request.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False}
    # Requests larger than this are refused before they are read: a petition image (8 MB) and its form.
    MAX_CONTENT_LENGTH = 9 * 1024 * 1024
    REDIS_URL = os.environ.get("REDIS_URL")  # None: tasks run in-process after commit
    # Without REDIS_URL, a process serving requests runs the beat schedule in a thread (one per
    # instance folder, core/embedded_beat.py); with it, `celery beat` does. Off where tests build
    # apps by the hundred, or drive the jobs themselves.
    PERIODIC_JOBS_IN_PROCESS = True
    # After Redis fails to answer, each process leaves it alone this long: limits count in the
    # process's memory and tasks wait in the outbox for the sweep, instead of every request
    # waiting on a dead host (core/outage.py).
    REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS", "5"))
    # The rate limits are abuse checks, never a reason to refuse a signature or an RSVP: with
    # Redis down (refusing, or silent) a limited route counts in the process's memory, after
    # half a second at most, until Flask-Limiter finds the storage back (it checks after 1, 2,
    # 4... 32 s); our own counters (core/counters.py) do the same. RATELIMIT_IN_MEMORY_FALLBACK
    # stays unset, so each route keeps its own limits meanwhile instead of one list for all. An
    # error the fallback cannot handle lets the request through and is logged.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    SMTP_URL = os.environ.get("SMTP_URL")  # None: mail is stored and shown at /_dev/mail
    SMTP_TIMEOUT_SECONDS = float(os.environ.get("SMTP_TIMEOUT_SECONDS", "10"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "Campaign desk <no-reply@campaigndesk.localhost>")
    # Where replies go (Reply-To) for mail that belongs to no coalition: sign-up, password
    # reset, data requests. MAIL_FROM is a no-reply sender, so by default help@ its domain, a
    # mailbox the people running the site should read. A coalition's mail replies to the
    # address its owners set (coalitions/replies.py).
    MAIL_REPLY_TO = os.environ.get("MAIL_REPLY_TO") or f"help@{MAIL_FROM.rpartition('@')[2].rstrip('> ')}"
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")

    TRUSTED_HOSTS = _list("TRUSTED_HOSTS") or None
    # Set to the number of proxies in front of the app, so the client IP and scheme are right.
    TRUST_PROXY_HOPS = int(os.environ.get("TRUST_PROXY_HOPS", "0"))
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", not DEVELOPMENT)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_HOURS", "12")) * 3600
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "es")

    # Failed logins from one IP, whatever the accounts; over it, that IP waits.
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "30 per 15 minutes")
    # Failures of one account from one IP before each further try waits 2, 4, 8... seconds.
    LOGIN_FREE_FAILURES = int(os.environ.get("LOGIN_FREE_FAILURES", "3"))
    LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("LOGIN_MAX_DELAY_SECONDS", "900"))
    # Reset, confirmation and data-request emails one address may receive per day, asked from
    # one requesting IP, and in all.
    EMAILS_PER_RECIPIENT_AND_REQUESTER = os.environ.get("EMAILS_PER_RECIPIENT_AND_REQUESTER", "3 per day")
    EMAILS_PER_RECIPIENT = os.environ.get("EMAILS_PER_RECIPIENT", "10 per day")
    # Team invitations one coalition may send per day (each to any address anyone typed).
    TEAM_INVITATIONS_PER_COALITION = os.environ.get("TEAM_INVITATIONS_PER_COALITION", "30 per day")
    PUBLIC_FORM_LIMIT = os.environ.get("PUBLIC_FORM_LIMIT", "10 per hour")
    # Calls one API key may make: Action Network's rate, so that scripts written for it work here.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "4 per second")
    # Calls without a usable key one client address may make.
    API_REFUSED_LIMIT = os.environ.get("API_REFUSED_LIMIT", "30 per minute")
    # Walk-ins one event's host link adds a minute, all its hosts together, and walk-ins' emails
    # it takes for news in all. Counted per event, not per IP: a forwarded link works from
    # anywhere. A volunteer at the door adds someone in 10 to 30 seconds, so 30 a minute is a
    # door with several phones; 200 emails is hours of typing each one and showing the consent
    # sentence (a crowd signs up on the public pages, not on the host's phone), and all that a
    # leaked link can subscribe or ask.
    WALK_IN_LIMIT = os.environ.get("WALK_IN_LIMIT", "30 per minute")
    WALK_IN_EMAILS_PER_EVENT = int(os.environ.get("WALK_IN_EMAILS_PER_EVENT", "200"))

    # Argon2id cost: OWASP's first recommended setting (m=19 MiB is their minimum).
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "3"))
    ARGON2_MEMORY_KIB = int(os.environ.get("ARGON2_MEMORY_KIB", "65536"))

    # Outbox: a row pending longer than this is enqueued again by the sweeper; a row claimed
    # longer than the lease is taken back (its worker died). The lease outlives any task.
    OUTBOX_SWEEP_AFTER_SECONDS = int(os.environ.get("OUTBOX_SWEEP_AFTER_SECONDS", "30"))
    OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "900"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))

    # Bulk email. A claimed batch not finished within the lease is taken back (its worker died);
    # a task sends for at most NOTIFY_TASK_SECONDS, then yields to other messages.
    # 500: each batch costs a claim and a final UPDATE of its rows; at 200 that bookkeeping was
    # ~10% of a send's CPU (bench/fanout.py). A dead worker's batch waits out the lease.
    NOTIFY_BATCH_SIZE = int(os.environ.get("NOTIFY_BATCH_SIZE", "500"))
    # The lease outlives a batch's half-lease hand-back plus one slow message (5 commands, each
    # at most SMTP_TIMEOUT_SECONDS), so a live batch is never taken back.
    NOTIFY_LEASE_SECONDS = int(os.environ.get("NOTIFY_LEASE_SECONDS", "120"))
    NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "6"))
    # Send tasks started per message: at least the worker slots (processes x concurrency) that
    # should share a big send. An extra task finds nothing to claim and ends at once.
    NOTIFY_PARALLEL_TASKS = int(os.environ.get("NOTIFY_PARALLEL_TASKS", "4"))
    NOTIFY_TASK_SECONDS = int(os.environ.get("NOTIFY_TASK_SECONDS", "20"))
    # Messages a coalition may send per minute; 0 means no limit. Organizers can set their own.
    NOTIFY_RATE_PER_MINUTE = int(os.environ.get("NOTIFY_RATE_PER_MINUTE", "0"))

    # Petition signatures over these per-IP limits, faster than a person fills the form, or
    # with the hidden field filled are quarantined (kept, not counted), never refused.
    PETITION_BURST_LIMIT = os.environ.get("PETITION_BURST_LIMIT", "20 per minute")
    PETITION_SUSTAINED_LIMIT = os.environ.get("PETITION_SUSTAINED_LIMIT", "200 per day")
    PETITION_MIN_FILL_SECONDS = float(os.environ.get("PETITION_MIN_FILL_SECONDS", "3"))
    # Seconds each web process keeps the public petition page (rendered for anonymous readers)
    # and count.json: a petition going viral costs a query every 2 s, not one per reader
    # (core/page_cache.py). The count shown is that much older.
    PAGE_CACHE_SECONDS = 2

    # Days after an event ends until who RSVPed is forgotten (the figures stay): a list of who
    # went to a rally outside ICE is the kind of data an enforcement agency could seek.
    EVENT_ATTENDEES_KEPT_DAYS = int(os.environ.get("EVENT_ATTENDEES_KEPT_DAYS", "90"))
    # An invitation link names the coalition and lets its holder join as the organization: a
    # forwarded or leaked email should not keep that power for long.
    INVITATION_MAX_AGE_DAYS = int(os.environ.get("INVITATION_MAX_AGE_DAYS", "14"))
    # Days after a petition closes until its signatures no longer say who signed (as the UK
    # Parliament's petitions site keeps signers' data); the counts, tallies and sources stay.
    PETITION_SIGNERS_KEPT_DAYS = int(os.environ.get("PETITION_SIGNERS_KEPT_DAYS", "180"))
    # The same for a letter's individual signers, counted from its delivery (or its close).
    LETTER_SIGNERS_KEPT_DAYS = int(os.environ.get("LETTER_SIGNERS_KEPT_DAYS", "180"))
    # Days a record that someone asked for a copy or erasure of their data is kept.
    DATA_REQUESTS_KEPT_DAYS = int(os.environ.get("DATA_REQUESTS_KEPT_DAYS", "180"))

    VERIFY_TOKEN_MAX_AGE = 3 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 3600
    DATA_REQUEST_MAX_AGE = 3 * 24 * 3600
    # Webhooks (api/webhooks/). Production sends them over HTTPS only, to public addresses:
    # a host that resolves to a private, loopback, link-local or metadata address is refused
    # when the endpoint is saved and again at each delivery (SSRF). Development and tests may
    # also send over plain http to this machine (localhost, 127.0.0.1), and do not look names up
    # when an endpoint is saved (a laptop offline, a test with no DNS).
    WEBHOOK_LOCAL_RECEIVERS = _flag("WEBHOOK_LOCAL_RECEIVERS", DEVELOPMENT)
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
    # A failed delivery is tried again after 30 s, 1 min, 2, 4... at most an hour apart, for a
    # day; an endpoint that has not answered 2xx for three days in a row is disabled.
    WEBHOOK_RETRY_FIRST_SECONDS = int(os.environ.get("WEBHOOK_RETRY_FIRST_SECONDS", "30"))
    WEBHOOK_RETRY_MAX_SECONDS = int(os.environ.get("WEBHOOK_RETRY_MAX_SECONDS", "3600"))
    WEBHOOK_GIVE_UP_HOURS = int(os.environ.get("WEBHOOK_GIVE_UP_HOURS", "24"))
    WEBHOOK_DISABLE_AFTER_DAYS = int(os.environ.get("WEBHOOK_DISABLE_AFTER_DAYS", "3"))
    WEBHOOK_BATCH_SIZE = 100  # events per request to an endpoint that asked for batches
    # A delivery claimed longer than this is taken back (its worker died mid-request).
    WEBHOOK_LEASE_SECONDS = int(os.environ.get("WEBHOOK_LEASE_SECONDS", "120"))
    # Deliveries and their attempts are shown on the endpoint's page this long, then deleted.
    WEBHOOK_DELIVERIES_KEPT_DAYS = int(os.environ.get("WEBHOOK_DELIVERIES_KEPT_DAYS", "30"))

    # Supporter imports: the largest CSV taken (about 100,000 Action Network rows), and the rows
    # committed together (progress moves, and a crash loses at most one batch's work).
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
    IMPORT_BATCH_ROWS = int(os.environ.get("IMPORT_BATCH_ROWS", "500"))
    # An uploaded file waits this long for the organizer to confirm the import, then is deleted.
    IMPORT_UPLOADS_KEPT_HOURS = int(os.environ.get("IMPORT_UPLOADS_KEPT_HOURS", "24"))


class TestConfig(Config):
    """Fast tests: in-memory SQLite, tasks in-process, cheap hashes, no CSRF in unit tests."""

    TESTING = True
    DEVELOPMENT = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = None
    PERIODIC_JOBS_IN_PROCESS = False
    SMTP_URL = None
    SESSION_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = False
    TRUSTED_HOSTS = None
    SECRET_KEY = "test-secret"
    DATA_KEYS = Fernet.generate_key().decode()
    BLIND_INDEX_KEY = "test-blind-index-key"
    IP_HASH_KEY = "test-ip-hash-key"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_KIB = 64
    RATELIMIT_STORAGE_URI = "memory://"
    PETITION_MIN_FILL_SECONDS = 0  # tests post at once; the fill-time check has its own test
    PAGE_CACHE_SECONDS = 0  # tests read back what they just changed; test_public_cache.py keeps pages
    PUBLIC_URL = "http://localhost"
    WEBHOOK_LOCAL_RECEIVERS = True  # the tests' receivers listen on 127.0.0.1
