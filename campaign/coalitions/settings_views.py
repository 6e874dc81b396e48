"""The coalition's settings, kept by its owners: where replies to its email go."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from campaign.coalitions import replies
from campaign.coalitions.access import coalition_required
from campaign.coalitions.blueprint import bp
from campaign.coalitions.forms import ContactForm
from campaign.coalitions.models import Role
from campaign.extensions import db


@bp.route("/coalitions/<slug>/settings", methods=["GET", "POST"])
@coalition_required(Role.OWNER)
def settings():
    form = ContactForm(contact_email=g.coalition.contact_email)
    if form.validate_on_submit():
        replies.set_contact_email(g.coalition, form.contact_email.data)
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("coalitions.settings", slug=g.coalition.slug))
    return render_template(
        "coalitions/settings.html",
        coalition=g.coalition,
        form=form,
        replies_go_to=replies.contact_address(g.coalition),
    ), (400 if form.errors else 200)
