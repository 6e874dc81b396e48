"""The spreadsheets of people (supporters, RSVPs) as tests read them, and who may download them."""

import csv
import io

from campaign.coalitions.models import CoalitionRole, Role
from campaign.supporters import services
from campaign.supporters.models import Supporter

# (role, answer): a download of people's contacts is for owners and admins only.
ROLES_AND_ANSWERS = [(Role.VIEWER, 403), (Role.ORGANIZER, 403), (Role.ADMIN, 200), (Role.OWNER, 200)]


def log_in_as(db, coalition, make_user, login, role: Role) -> None:
    """A teammate of `coalition` holding `role` logs in."""
    user = make_user(email=f"{role.name.lower()}-teammate@example.org")
    db.session.add(CoalitionRole(coalition=coalition, user=user, role=role))
    db.session.commit()
    login(user.email)


def on_file(db, coalition, email, first_name="Ana", subscribed=False, **fields) -> Supporter:
    """A person the coalition has on file (confirmed, as an import or an email click leaves
    them), with consent to email if `subscribed`; `confirmed=False` for an address only typed in."""
    saved = services.save_supporter(
        coalition.id, email=email, first_name=first_name, language=fields.pop("language", "en"),
        confirmed=fields.pop("confirmed", True), **fields,
    )  # fmt: skip
    supporter = db.session.get(Supporter, saved.id)
    if subscribed:
        services.record_consent(supporter, "Email me news.", supporter.language, source="test")
    db.session.commit()
    return supporter


def read_sheet(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "Excel reads UTF-8 only after a byte order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def by_email(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    """Each row after the header as a dict of its cells, by its email cell."""
    header, *people = rows
    return {person[header.index("email")]: dict(zip(header, person, strict=True)) for person in people}
