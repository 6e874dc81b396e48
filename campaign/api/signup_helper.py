"""The person signup helper: a script (a member organization's website form, a sync) adds a
person to the coalition, or finds them by their email's blind index, and tags them.

The key is made by an owner or admin for a source they vouch for, so the API is taken as the
coalition bringing people in itself, as a CSV import is: a new person is on file at once. What
an import never does, the API does not either: it never changes what the record on file says
(it fills blanks only), never resubscribes someone who unsubscribed, never subscribes an address
that bounced or complained, and never brings back someone who asked to be erased. Nothing of this
shows in the answer, which is the same for every address (`services.save_supporter` says why)."""

from campaign.api import helper_rules
from campaign.api.helper_input import Consent, HelperInput, PersonInput
from campaign.extensions import db
from campaign.supporters import services as supporters
from campaign.supporters.models import Subscription, Supporter
from campaign.tags import services as tags

# The answer to every signup, whoever it names: what was done is not the caller's to learn.
RECEIVED = {
    "notice": "Received. People are matched by their email address, and the answer is the same "
    "for everyone: this key does not read people."
}
# What a signup may fill in on a record that lacks it (the record's field: the person's); the
# language is always set, so never.
FILLABLE = {"first_name": "given_name", "last_name": "family_name", "zip_code": "postal_code"}


def sign_up(coalition_id: int, key_name: str, signup: HelperInput) -> None:
    person = signup.person
    mark = helper_rules.do_not_email_mark(coalition_id, person.email)
    if mark == "erased":
        return
    saved = supporters.save_supporter(
        coalition_id,
        email=person.email,
        first_name=person.given_name,
        last_name=person.family_name or None,
        zip_code=person.postal_code or None,
        language=person.language,
        confirmed=True,
    )
    supporter = db.session.get(Supporter, saved.id)
    if not saved.is_new:
        _fill_blanks(supporter, person)
    _subscribe(supporter, helper_rules.consent_given(signup, mark), source=f"API key {key_name}")
    helper_rules.honour_unsubscribed(coalition_id, signup)
    for tag in helper_rules.tags_named(coalition_id, signup.tag_names):
        tags.tag([supporter.id], tag)
    db.session.flush()


def _fill_blanks(supporter: Supporter, person: PersonInput) -> None:
    for field, given in FILLABLE.items():
        value = getattr(person, given)
        if value and not getattr(supporter, field):
            setattr(supporter, field, value)


def _subscribe(supporter: Supporter, consent: Consent | None, source: str) -> None:
    """The consent given subscribes someone never asked: a subscriber's consent is on file
    already, and someone who unsubscribed stays unsubscribed."""
    if consent is not None and supporter.subscription == Subscription.NOT_ASKED:
        supporters.record_consent(supporter, consent.wording, consent.language, source[:255])
