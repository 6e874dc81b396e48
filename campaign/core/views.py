"""Pages that belong to no feature: home, health, language switch, the development mailbox."""

from email import message_from_string, policy

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select, text

from campaign.core.mail import StoredMail
from campaign.core.urls import safe_next
from campaign.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("desk.dashboard"))
    return render_template("core/home.html")


@bp.get("/healthz")
def healthz():
    """200 while the app takes signatures: with Redis down it still does (limits count in each
    process, tasks wait in the outbox), so Redis "down" is reported, not failed on; 503 only
    when the database, the one system of record, does not answer."""
    database = _check(lambda: db.session.execute(text("SELECT 1")))
    redis_state = _check(_ping_redis) if current_app.config.get("REDIS_URL") else "not configured"
    status = "error" if database != "ok" else "degraded" if redis_state == "down" else "ok"
    return jsonify(status=status, database=database, redis=redis_state), 503 if status == "error" else 200


def _check(probe) -> str:
    try:
        probe()
        return "ok"
    except Exception:  # noqa: BLE001 - any failure is the answer
        return "down"


def _ping_redis() -> None:
    import redis

    # A health check must answer quickly, also while Redis hangs.
    with redis.Redis.from_url(
        current_app.config["REDIS_URL"], socket_connect_timeout=0.5, socket_timeout=0.5
    ) as client:
        client.ping()


@bp.get("/language/<code>")
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


def _development_only() -> None:
    if not current_app.config.get("DEVELOPMENT") or current_app.config.get("SMTP_URL"):
        abort(404)


@bp.get("/_dev/mail")
def dev_mailbox():
    _development_only()
    mails = db.session.scalars(select(StoredMail).order_by(StoredMail.id.desc()).limit(100)).all()
    return render_template("core/dev_mailbox.html", mails=mails)


@bp.get("/_dev/mail/<int:mail_id>")
def dev_mail(mail_id: int):
    _development_only()
    mail = db.get_or_404(StoredMail, mail_id)
    parsed = message_from_string(mail.raw, policy=policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    return render_template(
        "core/dev_mail.html", mail=mail, message=parsed, text=body.get_content() if body else ""
    )
