"""`celery -A worker.celery_app worker` and `... beat`: the Flask app's Celery app."""

from campaign import create_app
from worker.schedule import BEAT_SCHEDULE

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
celery_app.conf.beat_schedule = BEAT_SCHEDULE
app = celery_app
