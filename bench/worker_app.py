"""`celery -A bench.worker_app worker`: worker.celery_app with bench/transport_fix.py applied."""

from bench.transport_fix import apply

apply()

from worker.celery_app import app, celery_app, flask_app  # noqa: E402

__all__ = ["app", "celery_app", "flask_app"]
