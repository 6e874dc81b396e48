"""Making, finding and revoking API keys."""

import hashlib
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select, update

from campaign.api.models import ApiKey, Scope
from campaign.coalitions.models import CoalitionRole, Role
from campaign.core.form_keys import add_once, made_by_form
from campaign.extensions import db

# Recognisable in a log or a pasted snippet, and by secret scanners once registered with them.
TOKEN_PREFIX = "cdk_"  # noqa: S105 - the visible start of every token, not a secret
TOKEN_BYTES = 32
# Far above a real token's length (4 + 43): longer values are refused before any work.
TOKEN_MAX_LENGTH = 100
PREFIX_SHOWN = 10
# A key's last use is written at most this often: a busy integration must not write a row per call.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256. A token is 32 random bytes, so its hash cannot be
    reversed by guessing, and a slow password hash (Argon2) would add nothing but a slow lookup
    on every API call; unlike a blind index it needs no key, so rotating the app's keys never
    invalidates a coalition's integrations. A database dump gives no usable token."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def create_key(
    coalition_id: int,
    created_by_id: int,
    name: str,
    scope: Scope,
    last_day: date | None,
    form_key: str | None = None,
) -> tuple[ApiKey, str | None]:
    """The new key and its token, which is returned this once and never stored. A key with a
    last day works through it, in UTC. `form_key` is the one-time key of the form that makes it:
    the same form sent again (a double click) returns the key it made, and no token (that was
    shown to the first click only), instead of a second live key. None: not made through a form."""
    made = made_by_form(ApiKey, coalition_id, form_key)
    if made is not None:
        return made, None
    expires_at = datetime.combine(last_day, datetime.min.time()) + timedelta(days=1) if last_day else None
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    key, added = add_once(
        ApiKey(
            coalition_id=coalition_id,
            created_by_id=created_by_id,
            name=name,
            scope=scope,
            expires_at=expires_at,
            token_hash=token_hash(token),
            prefix=token[:PREFIX_SHOWN],
            form_key=form_key,
        )
    )
    return key, token if added else None


def keys_of(coalition_id: int) -> list[ApiKey]:
    return list(
        db.session.scalars(
            select(ApiKey).where(ApiKey.coalition_id == coalition_id).order_by(ApiKey.id.desc())
        )
    )


def revoke(key: ApiKey, moment: datetime) -> None:
    """Revoking twice (a double click) keeps the first time."""
    if key.revoked_at is None:
        key.revoked_at = moment
        db.session.flush()


KEY_MAKERS = (Role.ADMIN, Role.OWNER)


def usable_key(token: str | None, moment: datetime) -> ApiKey | None:
    """The key this token opens, unless it is unknown, revoked or expired, or its maker is no
    longer an admin or owner of its coalition: a key must not keep handing out the list to
    someone the coalition removed or demoted (who may hold a copy of it)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    maker_role = and_(
        CoalitionRole.coalition_id == ApiKey.coalition_id, CoalitionRole.user_id == ApiKey.created_by_id
    )
    key = db.session.scalar(
        select(ApiKey)
        .join(CoalitionRole, maker_role)
        .where(ApiKey.token_hash == token_hash(token), CoalitionRole.role.in_(KEY_MAKERS))
    )
    return key if key is not None and key.usable_at(moment) else None


def key_makers(coalition_id: int) -> set[int]:
    """The users whose keys of this coalition work: its admins and owners."""
    return set(
        db.session.scalars(
            select(CoalitionRole.user_id).where(
                CoalitionRole.coalition_id == coalition_id, CoalitionRole.role.in_(KEY_MAKERS)
            )
        )
    )


def mark_used(key: ApiKey, moment: datetime) -> bool:
    """Note the key's use, at most once per LAST_USED_PRECISION; whether this call wrote it."""
    written = db.session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key.id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < moment - LAST_USED_PRECISION),
        )
        .values(last_used_at=moment)
        .execution_options(synchronize_session=False)
    )
    return written.rowcount == 1
