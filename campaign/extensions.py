"""The Flask extensions, created unbound here and bound to the app in create_app()."""

from celery import Celery, Task
from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


def _client_ip_hash() -> str:
    """Limits count per client address, stored (in Redis) under its keyed hash, never the IP."""
    from campaign.core.network import client_ip_hash

    return client_ip_hash()


limiter = Limiter(key_func=_client_ip_hash, default_limits=[], headers_enabled=True)


# The worker outlives any Redis outage and reconnects by itself (systemd restarts it only if it
# dies: deploy/systemd/). tests/integration/test_redis_outage.py stops Redis three times under it.
_SURVIVE_BROKER_OUTAGES = dict(
    broker_connection_retry=True,
    broker_connection_retry_on_startup=True,
    # Forever: the default, 100 attempts 2 to 30 s apart, ends the worker after an outage of
    # about 45 minutes. Once Redis is back the worker reconnects within 30 s.
    broker_connection_max_retries=None,
    # A task running when the connection drops finishes (our tasks claim their rows, so a copy
    # redelivered later does nothing twice), rather than being killed halfway through a batch.
    worker_cancel_long_running_tasks_on_connection_loss=False,
    # The task consumer's channel must be the only one on the worker's connection, so no remote
    # control here, and `--without-gossip --without-mingle` on the worker's command line (the
    # systemd unit, tests/integration/conftest.py). With a second channel on a fanout queue,
    # kombu 5.7.0 (the latest) makes the worker exit in some outages: when Redis goes while the
    # task channel waits on BRPOP with messages unacknowledged (a task running, an ETA task
    # held), the fanout channel may see the loss first. Celery then closes the connection; the
    # task channel's close fails on its pending BRPOP, kombu's loop closing the other channels
    # stops at the fanout one (its queue cannot be deleted), and the transport drops its client.
    # Celery's second close then restores the unacknowledged messages through the task channel,
    # whose transport has no client: "Restoring 2 unacknowledged message(s)", then
    # AttributeError("'NoneType' object has no attribute 'hostname'") in kombu's redis
    # _connparams, which Celery calls unrecoverable. Alone on the connection, the task channel
    # is closed before the client goes. Nothing here uses `celery inspect`, revoke or gossip.
    worker_enable_remote_control=False,
)


def celery_init_app(app: Flask) -> Celery:
    """A Celery app whose tasks run inside the Flask app context.

    Without REDIS_URL, tasks run eagerly in-process (the embedded default); with it, the web
    process only publishes and `celery -A worker.celery_app worker` does the work.
    """

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    redis_url = app.config.get("REDIS_URL")
    lease = app.config["OUTBOX_LEASE_SECONDS"]
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=redis_url or "memory://",
        # Kombu's Redis transport with one of its bugs worked around: see core/broker.py.
        broker_transport="campaign.core.broker:Transport" if redis_url else None,
        task_always_eager=not redis_url,
        task_eager_propagates=False,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={
            # Redis re-delivers an unacknowledged message after this; it must outlive any task.
            "visibility_timeout": lease * 2,
            # A request publishing to a Redis that is gone waits at most this long, once per
            # REDIS_RETRY_SECONDS per process (core/outage.py); a healthy Redis answers in
            # milliseconds, and the worker's 1 s BRPOP well within it.
            "socket_connect_timeout": 1,
            "socket_timeout": 2,
            # Publishing does not retry the connection: without this kombu keeps retrying for
            # broker_connection_timeout, so every request would wait while Redis is down.
            "max_retries": 0,
        },
        # A request must not hang on a broker that is down: the outbox sweeper retries later.
        task_publish_retry=False,
        broker_connection_timeout=1,
        **_SURVIVE_BROKER_OUTAGES,
        worker_hijack_root_logger=False,
        timezone="UTC",
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
