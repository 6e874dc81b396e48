"""Account pages: /accounts/..."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from campaign.accounts import services, throttle
from campaign.accounts.forms import EmailOnlyForm, LoginForm, NewPasswordForm, SignupForm
from campaign.core.network import client_ip_hash
from campaign.core.urls import safe_next
from campaign.extensions import db, login_manager

bp = Blueprint("accounts", __name__, url_prefix="/accounts")

login_manager.login_view = "accounts.login"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(token: str):
    return services.load_session_user(token)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        # The same answer for an address that has an account: its owner is emailed instead.
        services.sign_up(form.name.data, form.email.data, form.password.data, str(get_locale()))
        db.session.commit()
        return redirect(url_for("accounts.check_email", kind="verify"))
    return render_template("accounts/signup.html", form=form)


@bp.get("/check-email/<kind>")
def check_email(kind: str):
    if kind not in ("verify", "reset"):
        abort(404)
    return render_template("accounts/check_email.html", kind=kind)


@bp.get("/verify/<token>")
def verify(token: str):
    user = services.verify_email(token)
    if user is None:
        flash(_("That confirmation link is invalid or has expired. Request a new one below."), "error")
        return redirect(url_for("accounts.resend_verification"))
    db.session.commit()
    flash(_("Your email address is confirmed. You can log in now."), "success")
    return redirect(url_for("accounts.login", email=user.email))


@bp.route("/verify", methods=["GET", "POST"])
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_verification(form.email.data, client_ip_hash())
        db.session.commit()
        return redirect(url_for("accounts.check_email", kind="verify"))
    return render_template("accounts/email_only.html", form=form, purpose="verify")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(email=request.args.get("email"))
    if form.validate_on_submit():
        too_many = throttle.wait_message(form.email.data)
        if too_many:
            form.form_errors.append(too_many)
            return render_template("accounts/login.html", form=form), 429
        user = throttle.attempt_login(form.email.data, form.password.data)
        if user is None:
            # An unconfirmed account gets the same answer as a wrong password: the page must
            # not tell that the password was right.
            form.form_errors.append(
                _(
                    "That email and password do not match a confirmed account. New here? Confirm "
                    "your address with the link we emailed you first."
                )
            )
        else:
            services.start_session(user)
            db.session.commit()
            login_user(user)
            return redirect(safe_next(request.args.get("next"), "desk.dashboard"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.end_session(current_user.get_id())
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("core.home"))


@bp.route("/reset", methods=["GET", "POST"])
def request_reset():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, client_ip_hash())
        db.session.commit()
        return redirect(url_for("accounts.check_email", kind="reset"))
    return render_template("accounts/email_only.html", form=form, purpose="reset")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        flash(_("That reset link is invalid, expired or already used. Request a new one."), "error")
        return redirect(url_for("accounts.request_reset"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        db.session.commit()
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("accounts.login", email=user.email))
    return render_template("accounts/reset_password.html", form=form)
