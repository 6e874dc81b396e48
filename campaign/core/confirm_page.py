"""The page a signature's emailed confirm link opens, for petitions and letters alike."""

from collections.abc import Callable
from enum import StrEnum

from flask import render_template

from campaign.core.forms import ConfirmSignatureForm
from campaign.core.outbox import utcnow
from campaign.extensions import db

# The value of each feature's Confirmation.CHANGED: someone signed again with the address after
# the page was read, so the click saved nothing.
CHANGED = "changed"


def confirm_page(
    token: str,
    signature,
    confirm: Callable[..., StrEnum],
    shown_digest: Callable[..., str],
    templates: str,
    **context,
):
    """A GET shows what the click saves (mail scanners open links and must not sign for anyone);
    the click (a POST) runs `confirm(signature, now, shown)` and commits, unless the details
    changed since the page was read: then the page again, 409, with what the click would now save.
    `templates` is the feature's folder, holding confirm.html and confirmed.html."""
    form = ConfirmSignatureForm(bound_to=token)
    changed = False
    if form.validate_on_submit():
        outcome = confirm(signature, utcnow(), form.shown.data)
        if outcome != CHANGED:
            db.session.commit()
            return render_template(
                f"{templates}/confirmed.html", signature=signature, outcome=outcome.value, **context
            )
        changed = True
    form.shown.data = shown_digest(signature)
    page = render_template(
        f"{templates}/confirm.html", signature=signature, form=form, changed=changed, **context
    )
    return page, 409 if changed else 200
