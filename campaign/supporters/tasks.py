"""Data-request emails, sent from the outbox: a copy of the data, or an erasure link."""

from datetime import timedelta

from celery import shared_task
from flask import current_app
from flask_babel import lazy_gettext as _l

from campaign.core import counters
from campaign.core.mail import send_templated
from campaign.core.outbox import outbox_task, utcnow
from campaign.core.urls import external_url
from campaign.extensions import db
from campaign.supporters import import_files, imports, services
from campaign.supporters.models import DataRequest, DataRequestKind, DataRequestState


@outbox_task(after_response=True)
def answer_data_request(data_request_id: int) -> None:
    data_request = db.session.get(DataRequest, data_request_id)
    if data_request is None or data_request.state != DataRequestState.PENDING:
        return
    recipient = counters.recipient_key(data_request.email or "")
    requester = data_request.requester_ip_hash or ""
    # Checked here, not in the request, so that the request answers alike in every case.
    if not counters.recipient_allows("data-request-email", recipient, requester):
        services.mark_emailed(data_request, awaiting_confirmation=False)
        return
    records = services.export_supporter_data(data_request.email)
    erasing = bool(records) and data_request.kind == DataRequestKind.ERASURE
    if not records:
        _send(data_request, "no_data", _l("Your data request: we hold no data about this address"))
    elif not erasing:
        _send(data_request, "copy", _l("A copy of your data"), records=records)
    else:
        link = external_url("supporters.confirm_erasure", token=services.erasure_token(data_request))
        _send(data_request, "confirm_erasure", _l("Confirm: erase your data"), link=link, records=records)
    counters.recipient_sent("data-request-email", recipient, requester)
    services.mark_emailed(data_request, awaiting_confirmation=erasing)


def _send(data_request: DataRequest, template: str, subject, **context) -> None:
    send_templated(
        f"supporters/emails/{template}",
        data_request.email,
        data_request.language,
        subject,
        data_request=data_request,
        privacy_link=external_url("supporters.data_request"),
        **context,
    )


@shared_task(name="campaign.supporters.tasks.expire_data_requests")
def expire_data_requests() -> int:
    """Daily: unanswered requests past their link's lifetime keep no trace of the address, and
    requests older than DATA_REQUESTS_KEPT_DAYS are deleted."""
    expired = services.expire_data_requests()
    services.forget_old_data_requests(utcnow(), current_app.config["DATA_REQUESTS_KEPT_DAYS"])
    db.session.commit()
    return expired


@shared_task(name="campaign.supporters.tasks.delete_abandoned_uploads")
def delete_abandoned_uploads() -> int:
    """Hourly: a file uploaded for import but never confirmed (people's names and addresses) is
    deleted IMPORT_UPLOADS_KEPT_HOURS after the upload; its import shows as stopped."""
    cutoff = utcnow() - timedelta(hours=current_app.config["IMPORT_UPLOADS_KEPT_HOURS"])
    abandoned = imports.discard_abandoned(cutoff)
    db.session.commit()  # before the files go: a failed commit leaves no import without its file
    for stored_name in abandoned:
        import_files.delete(stored_name)
    return len(abandoned) + imports.delete_stray_files(cutoff)


@outbox_task(after_response=True, on_give_up=imports.fail)
def run_import(import_id: int) -> None:
    """Each batch committed as it is done: the import's page shows the progress. A run that
    fails (the database restarting) is run again by the outbox, with backoff, and goes on after
    the last committed batch; the import stops, its file deleted, once the outbox gives up or
    the file cannot be read."""
    for _ in imports.run_batches(import_id):
        db.session.commit()
