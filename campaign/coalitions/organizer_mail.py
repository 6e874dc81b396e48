"""Email to a coalition's organizers: each in their own language, replies going to the coalition."""

from campaign.accounts.models import User
from campaign.coalitions.models import Coalition
from campaign.coalitions.replies import reply_to_header
from campaign.coalitions.services import organizers
from campaign.core.mail import send_templated
from campaign.core.outbox import enqueue
from campaign.extensions import db


def tell_organizers(coalition_id: int, task, **ids) -> None:
    """Enqueue `task(user_id=…, **ids)` once per organizer, so a retry after a failed send mails
    nobody twice."""
    for organizer in organizers(coalition_id):
        enqueue(task, user_id=organizer.id, **ids)


def email_organizer(user_id: int, coalition: Coalition, template: str, subject, **context) -> None:
    """To one organizer, in their own language; replies go to the coalition's contact address.
    Nothing if the account is gone. `subject` is lazy, translated for the organizer."""
    organizer = db.session.get(User, user_id)
    if organizer is None:
        return
    send_templated(
        template,
        organizer.email,
        organizer.locale,
        subject,
        reply_to_header=reply_to_header(coalition),
        **context,
    )
