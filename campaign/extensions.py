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
        task_always_eager=not redis_url,
        task_eager_propagates=False,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Redis re-delivers an unacknowledged message after this; it must outlive any task.
        broker_transport_options={
            "visibility_timeout": lease * 2,
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
            # Publishing does not retry the connection: without this kombu keeps retrying for
            # broker_connection_timeout, so every request would wait 2 s while Redis is down.
            "max_retries": 0,
        },
        # A request must not hang on a broker that is down: the outbox sweeper retries later.
        task_publish_retry=False,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=2,
        worker_hijack_root_logger=False,
        timezone="UTC",
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
