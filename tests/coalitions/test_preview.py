"""Drafts preview: a coalition's organizers open a draft petition, letter or day of action as the
public will see it, marked "Preview", with its forms off; everyone else still finds nothing."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from campaign.actions.models import DayOfAction, Event, Rsvp
from campaign.coalitions import services as coalitions
from campaign.coalitions.models import CoalitionRole, Role
from campaign.letters.models import Letter, Signature
from campaign.petitions.models import Petition, PetitionSignature
from tests.actions.forms import day_form, event_form, rsvp_form
from tests.letters.conftest import letter_form
from tests.letters.conftest import sign_form as sign_on_form
from tests.pages import hidden_inputs, text_of
from tests.petitions.conftest import petition_form

PASSWORD = "correct horse battery"  # make_user's


@dataclass
class Draft:
    organizer_page: str  # where its organizers manage it
    public: str  # its public page
    edit: str
    form_page: str  # the public page with its form (a day's is an event's page)
    rows: Callable[[], int]  # what the form would add: signatures, sign-ons, RSVPs
    typed: dict
    publish: str


def _newest(db, model):
    return db.session.scalars(select(model).order_by(model.id.desc())).first()


def _draft(kind: str, client, coalition, db) -> Draft:
    base = f"/coalitions/{coalition.slug}"
    count = lambda model: lambda: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    if kind == "petition":
        assert client.post(f"{base}/petitions/new", data=petition_form()).status_code == 302
        petition = _newest(db, Petition)
        page = f"/petitions/{petition.slug}"
        own = f"{base}/petitions/{petition.id}"
        typed = {"first_name": "Ana", "email": "ana@example.org", "zip_code": "19104"}
        return Draft(own, page, f"{own}/edit", page, count(PetitionSignature), typed, f"{own}/open")
    if kind == "letter":
        assert client.post(f"{base}/letters/new", data=letter_form()).status_code == 302
        letter = _newest(db, Letter)
        own = f"{base}/letters/{letter.id}"
        sign = f"/letters/sign/{letter.signon_key}"
        return Draft(
            own,
            f"/letters/{letter.slug}",
            f"{own}/edit",
            sign,
            count(Signature),
            sign_on_form(),
            f"{own}/open",
        )
    assert client.post(f"{base}/actions/new", data=day_form()).status_code == 302
    day = _newest(db, DayOfAction)
    own = f"{base}/actions/{day.id}"
    assert client.post(f"{own}/events/new", data=event_form()).status_code == 302
    event_page = f"/actions/{day.slug}/events/{_newest(db, Event).id}"
    return Draft(
        own, f"/actions/{day.slug}", f"{own}/edit", event_page, count(Rsvp), rsvp_form(), f"{own}/publish"
    )


def _post_target(page, fallback: str) -> str:
    """Where the page's public form posts (the header's log-out form aside)."""
    tags = re.findall(r'<form[^>]*method="post"[^>]*>', page.get_data(as_text=True))
    actions = [re.search(r'action="([^"]*)"', tag) for tag in tags]
    targets = [found.group(1) if found else fallback for found in actions]
    return next(target for target in targets if "/accounts/logout" not in target).split("#")[0]


def _logged_in(app, email: str):
    browser = app.test_client()
    assert browser.post("/accounts/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return browser


KINDS = ("petition", "letter", "day")


@pytest.mark.usefixtures("requests_start_afresh")
@pytest.mark.parametrize("kind", KINDS)
def test_an_organizer_previews_a_draft_marked_as_such_with_its_form_off(kind, client, coalition, db):
    draft = _draft(kind, client, coalition, db)
    own_page = client.get(draft.organizer_page).get_data(as_text=True)
    assert f'href="{draft.public}">Preview</a>' in own_page

    page = client.get(draft.public)
    assert page.status_code == 200
    assert "Preview · This page is not public yet" in text_of(page)
    assert f'href="{draft.edit}">Back to editing</a>' in page.get_data(as_text=True)

    form_page = client.get(draft.form_page)
    assert form_page.status_code == 200 and "Preview" in text_of(form_page)
    submit = re.search(
        r'<(?:button|input)[^>]*type="submit"[^>]*>', form_page.get_data(as_text=True).split("</header>")[1]
    )
    assert " disabled" in submit.group(0)
    assert "the button works once the page is published" in text_of(form_page)

    # The button forced on, or the form posted by hand: refused, and nothing is counted.
    sent = hidden_inputs(form_page) | draft.typed
    assert client.post(_post_target(form_page, draft.form_page), data=sent).status_code == 404
    assert draft.rows() == 0

    client.get("/language/es")
    assert "Vista previa · Esta página todavía no es pública" in text_of(client.get(draft.public))


@pytest.mark.usefixtures("requests_start_afresh")
@pytest.mark.parametrize("kind", KINDS)
def test_nobody_else_finds_a_draft(kind, app, client, coalition, db, make_user):
    draft = _draft(kind, client, coalition, db)
    viewer = make_user(email="viewer@example.org", name="Vera Viewer")
    db.session.add(CoalitionRole(coalition=coalition, user=viewer, role=Role.VIEWER))
    outsider = make_user(email="other@example.org", name="Otto Other")
    coalitions.create_coalition(outsider, "Another coalition", "", "Chicago")
    db.session.commit()

    strangers = {
        "logged out": app.test_client(),
        "a viewer of the coalition": _logged_in(app, "viewer@example.org"),
        "another coalition's organizer": _logged_in(app, "other@example.org"),
    }
    for who, browser in strangers.items():
        for url in (draft.public, draft.form_page):
            assert browser.get(url).status_code == 404, (who, url)
        assert browser.post(draft.form_page, data=draft.typed).status_code in (404, 405), who
    viewers_page = strangers["a viewer of the coalition"].get(draft.organizer_page).get_data(as_text=True)
    assert ">Preview</a>" not in viewers_page
    assert draft.rows() == 0


@pytest.mark.usefixtures("requests_start_afresh")
@pytest.mark.parametrize("kind", KINDS)
def test_once_published_the_page_is_the_public_one_with_no_banner(kind, app, client, coalition, db):
    draft = _draft(kind, client, coalition, db)
    assert client.post(draft.publish).status_code == 302
    for browser in (client, app.test_client()):
        page = browser.get(draft.public)
        assert page.status_code == 200 and "preview-banner" not in page.get_data(as_text=True)
    assert ">Preview</a>" not in client.get(draft.organizer_page).get_data(as_text=True)
