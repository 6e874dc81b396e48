"""Celery worker and beat entry points."""
