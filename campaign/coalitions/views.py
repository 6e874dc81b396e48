"""Coalition pages: coalition setup, members and invitations, team, public page."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from campaign.coalitions import (
    services,
    settings_views,
    teammates,
)
from campaign.coalitions.access import can, coalition_required, get_scoped_or_404, scoped
from campaign.coalitions.blueprint import bp
from campaign.coalitions.forms import AddTeammateForm, ChangeRoleForm, CoalitionForm, InviteForm
from campaign.coalitions.models import (
    ROLE_LABELS,
    Coalition,
    CoalitionRole,
    Membership,
    MembershipStatus,
    Role,
    TeamInvitation,
)
from campaign.coalitions.tokens import membership_for_token, team_invitation_for_token
from campaign.core.errors import render_error
from campaign.extensions import db
from campaign.organizations.forms import LinkForm, MemberNameForm, OrganizationForm
from campaign.organizations.services import LinkError, find_matches

# The feature's other pages: their routes are on the same blueprint, which the app registers
# from this module.
OTHER_PAGES = (settings_views,)


@bp.app_context_processor
def coalition_context():
    return {"can": can, "Role": Role, "ROLE_LABELS": ROLE_LABELS}


def _to(endpoint: str, **values):
    return redirect(url_for(endpoint, slug=g.coalition.slug, **values))


@bp.route("/coalitions/new", methods=["GET", "POST"])
@login_required
def create():
    form = CoalitionForm()
    if form.validate_on_submit():
        coalition = services.create_coalition(
            current_user, form.name.data, form.description.data or "", form.region.data or ""
        )
        db.session.commit()
        flash(_("The coalition is created. Invite its member organizations next."), "success")
        return redirect(url_for("desk.overview", slug=coalition.slug))
    return render_template("coalitions/create.html", form=form)


@bp.get("/coalitions/<slug>/members")
@coalition_required(Role.VIEWER)
def members():
    return render_template(
        "coalitions/members.html", coalition=g.coalition, memberships=services.memberships(g.coalition.id)
    )


# Inviting grows the coalition, which is everyday organizing work; removing a member and
# merging records are an admin's decisions.
@bp.route("/coalitions/<slug>/members/invite", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def invite():
    form = InviteForm()
    form.offer_matches(find_matches(form.organization_name.data or "") if form.is_submitted() else [])
    if form.validate_on_submit():
        try:
            membership = services.invite(
                g.coalition,
                current_user,
                contact_email=form.contact_email.data,
                organization=form.chosen_organization(),
                name=form.organization_name.data,
                profile=form.profile(),
                message=form.message.data or "",
                locale=str(get_locale()),
            )
        except services.AlreadyMember as error:
            flash(str(error), "info")
            return _to("coalitions.members")
        db.session.commit()
        flash(_("Invitation sent to %(name)s.", name=membership.name), "success")
        return _to("coalitions.members")
    return render_template("coalitions/invite.html", coalition=g.coalition, form=form)


@bp.post("/coalitions/<slug>/members/<int:membership_id>/resend")
@coalition_required(Role.ORGANIZER)
def resend_invitation(membership_id: int):
    membership = get_scoped_or_404(Membership, membership_id)
    if membership.status != MembershipStatus.INVITED:
        abort(404)
    services.send_invitation(membership)
    db.session.commit()
    flash(_("Invitation sent again to %(name)s.", name=membership.name), "success")
    return _to("coalitions.members")


@bp.post("/coalitions/<slug>/members/<int:membership_id>/domain")
@coalition_required(Role.ORGANIZER)
def decide_domain(membership_id: int):
    """Trust or dismiss the domain a member accepted its invitation from."""
    membership = get_scoped_or_404(Membership, membership_id)
    if membership.status != MembershipStatus.ACTIVE:  # the page offers it for members only
        abort(404)
    domain = membership.proposed_domain
    if not domain:
        return _to("coalitions.members")
    trusting = bool(request.form.get("trust"))
    if trusting and not services.trust_domain(membership):
        db.session.commit()
        flash(_("Anyone can have an address at %(domain)s: it cannot be trusted.", domain=domain), "error")
        return _to("coalitions.members")
    if trusting:
        message = _(
            "Sign-ons from addresses at %(domain)s are now approved at once as %(name)s.",
            domain=domain,
            name=membership.name,
        )
    else:
        services.dismiss_domain(membership)
        message = _("Sign-ons from %(domain)s will wait for review as before.", domain=domain)
    db.session.commit()
    flash(message, "success")
    return _to("coalitions.members")


@bp.route("/coalitions/<slug>/members/<int:membership_id>/remove", methods=["GET", "POST"])
@coalition_required(Role.ADMIN)
def remove_member(membership_id: int):
    membership = get_scoped_or_404(Membership, membership_id)
    if membership.status not in services.CURRENT_STATUSES:
        abort(404)
    if request.method == "POST":
        services.remove_member(membership)
        db.session.commit()
        flash(_("%(name)s is no longer a member.", name=membership.name), "success")
        return _to("coalitions.members")
    return render_template("coalitions/remove_member.html", coalition=g.coalition, membership=membership)


@bp.route("/coalitions/<slug>/team", methods=["GET", "POST"])
@coalition_required(Role.ADMIN)
def team():
    form = AddTeammateForm()
    if form.validate_on_submit():
        try:
            invitation = teammates.invite_teammate(
                g.coalition, current_user, g.role, form.email.data, Role(form.role.data), str(get_locale())
            )
        except services.RuleError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            # The same words whether or not the address has an account.
            flash(
                _(
                    "We emailed an invitation to %(email)s. They join the team when they accept it.",
                    email=invitation.email,
                ),
                "success",
            )
            return _to("coalitions.team")
    return _render_team(form)


def _render_team(form: AddTeammateForm):
    team = teammates.team(g.coalition.id)
    role_forms = {t.id: ChangeRoleForm(prefix=f"t{t.id}", formdata=None, role=t.role.value) for t in team}
    return render_template(
        "coalitions/team.html",
        coalition=g.coalition,
        form=form,
        teammates=team,
        role_forms=role_forms,
        invitations=teammates.pending_team_invitations(g.coalition.id),
    )


@bp.post("/coalitions/<slug>/team/invitations/<int:invitation_id>/revoke")
@coalition_required(Role.ADMIN)
def revoke_team_invitation(invitation_id: int):
    invitation = get_scoped_or_404(TeamInvitation, invitation_id)
    teammates.revoke_team_invitation(invitation)
    db.session.commit()
    flash(
        _("The invitation to %(email)s is withdrawn: its link no longer works.", email=invitation.email),
        "success",
    )
    return _to("coalitions.team")


@bp.post("/coalitions/<slug>/team/<int:teammate_id>/role")
@coalition_required(Role.ADMIN)
def change_role(teammate_id: int):
    teammate = get_scoped_or_404(CoalitionRole, teammate_id)
    form = ChangeRoleForm(prefix=f"t{teammate.id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        teammates.change_role(g.role, teammate, Role(form.role.data))
    except services.RuleError as error:
        flash(str(error), "error")
        return _to("coalitions.team")
    db.session.commit()
    flash(
        _("%(name)s is now: %(role)s.", name=teammate.user.name, role=ROLE_LABELS[teammate.role]), "success"
    )
    return _after_team_change(teammate)


@bp.post("/coalitions/<slug>/team/<int:teammate_id>/remove")
@coalition_required(Role.ADMIN)
def remove_teammate(teammate_id: int):
    teammate = get_scoped_or_404(CoalitionRole, teammate_id)
    name = teammate.user.name  # read now: once the row is deleted, its user can no longer be loaded
    try:
        teammates.remove_teammate(g.role, teammate)
    except services.RuleError as error:
        flash(str(error), "error")
        return _to("coalitions.team")
    db.session.commit()
    flash(_("%(name)s is no longer on the team.", name=name), "success")
    return _after_team_change(teammate)


def _after_team_change(teammate: CoalitionRole):
    """Whoever just lowered or removed their own access can no longer see the team page."""
    if teammate.user_id != current_user.id:
        return _to("coalitions.team")
    if db.session.get(CoalitionRole, teammate.id) is None:
        return redirect(url_for("desk.dashboard"))
    return _to("coalitions.team" if teammate.role >= Role.ADMIN else "desk.overview")


def _current_membership_or_404(organization_id: int) -> Membership:
    return db.first_or_404(
        scoped(Membership).where(
            Membership.organization_id == organization_id, Membership.status.in_(services.CURRENT_STATUSES)
        )
    )


@bp.route("/coalitions/<slug>/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def edit_organization(organization_id: int):
    membership = _current_membership_or_404(organization_id)
    organization = membership.organization
    shared = not services.can_edit_profile(organization, g.coalition.id)
    form = MemberNameForm(name=membership.name) if shared else OrganizationForm(obj=organization)
    if form.validate_on_submit():
        if shared:
            services.rename_member(membership, form.name.data)
        else:
            services.save_profile(membership, form.name.data, form.profile())
        db.session.commit()
        flash(_("The profile of %(name)s is saved.", name=membership.name), "success")
        return _to("coalitions.members")
    return render_template(
        "coalitions/edit_organization.html",
        coalition=g.coalition,
        membership=membership,
        shared=shared,
        form=form,
    )


@bp.route("/coalitions/<slug>/organizations/<int:organization_id>/link", methods=["GET", "POST"])
@coalition_required(Role.ADMIN)
def link_organization(organization_id: int):
    membership = _current_membership_or_404(organization_id)
    organization = membership.organization
    choices = services.link_choices(g.coalition.id, organization)
    form = LinkForm()
    form.offer(choices.candidates)
    if form.validate_on_submit():
        duplicate = form.chosen()
        try:
            services.link_records(g.coalition.id, organization, duplicate)
        except LinkError as error:
            form.duplicate.errors.append(str(error))
        else:
            db.session.commit()
            message = _(
                "%(duplicate)s is now linked to %(name)s.", duplicate=duplicate.name, name=membership.name
            )
            flash(message, "success")
            return _to("coalitions.members")
    return render_template(
        "coalitions/link_organization.html",
        coalition=g.coalition,
        membership=membership,
        form=form,
        shared=choices.shared,
    )


def _invalid_link():
    return render_error(
        404, _("This invitation link is invalid or has expired. Ask the coalition to send a new one.")
    )


@bp.get("/invitations/<token>")
def invitation(token: str):
    membership = membership_for_token(token)
    if membership is None:
        return _invalid_link()
    return render_template(
        "coalitions/invitation.html", membership=membership, coalition=membership.coalition, token=token
    )


@bp.get("/team-invitations/<token>")
def team_invitation(token: str):
    invitation = team_invitation_for_token(token)
    if invitation is None:
        return _invalid_link()
    return render_template(
        "coalitions/team_invitation.html",
        invitation=invitation,
        coalition=invitation.coalition,
        token=token,
        addressed_to_me=current_user.is_authenticated and current_user.email == invitation.email,
    )


@bp.post("/team-invitations/<token>/accept")
@login_required
def accept_team_invitation(token: str):
    invitation = team_invitation_for_token(token)
    if invitation is None:
        return _invalid_link()
    coalition = invitation.coalition
    try:
        teammates.accept_team_invitation(invitation, current_user)
    except services.RuleError as error:
        flash(str(error), "error")
        return redirect(url_for("coalitions.team_invitation", token=token))
    db.session.commit()
    flash(_("Welcome to the team of %(coalition)s.", coalition=coalition.name), "success")
    return redirect(url_for("desk.overview", slug=coalition.slug))


RESPONSES = {
    "accept": (services.accept, _l("Welcome! %(name)s is now a member of %(coalition)s.")),
    "decline": (services.decline, _l("You declined the invitation. Thank you for letting us know.")),
    "leave": (services.leave, _l("%(name)s has left %(coalition)s.")),
}


@bp.post("/invitations/<token>/<any(accept, decline, leave):action>")
def respond(token: str, action: str):
    membership = membership_for_token(token)
    if membership is None:
        return _invalid_link()
    respond_with, message = RESPONSES[action]
    if respond_with(membership):
        db.session.commit()
        flash(
            str(message) % {"name": membership.name, "coalition": membership.coalition.name},
            "success",
        )
    return redirect(url_for("coalitions.invitation", token=token))


@bp.get("/c/<slug>")
def public(slug: str):
    coalition = db.first_or_404(select(Coalition).where(Coalition.slug == slug))
    return render_template(
        "coalitions/public.html", coalition=coalition, groups=services.members_by_sector(coalition.id)
    )
