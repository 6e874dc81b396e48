"""The record signature helper: a signature another system sends with a write key, signed by the
public form's rules (petitions/signing.record). It waits for the signer's click in the email,
and so do the details typed for an address on file, the consent and the tags asked for, unless
the coalition made the petition trust its keys."""

from campaign.api import helper_rules
from campaign.api.helper_input import HelperInput
from campaign.api.models import ApiKey
from campaign.core.text import one_line
from campaign.petitions import signing
from campaign.petitions.models import SOURCE_MAX_LENGTH, Petition


def record_signature(petition: Petition, helper: HelperInput, key: ApiKey) -> str:
    """Sign (signing.PetitionClosed if the petition takes no signatures); returns the source
    credited: `referrer_data.source`, or the key's name, kept as the sign form keeps a
    `?source=` code. The coalition's tags named wait for the person with the rest."""
    person, coalition_id = helper.person, petition.coalition_id
    source = (helper.source or one_line(key.name))[:SOURCE_MAX_LENGTH]
    fields = {
        "first_name": person.given_name,
        "last_name": person.family_name,
        "email": person.email,
        "zip_code": person.postal_code,
        "comment": helper.comment,
        "show_name": False,  # shown with the signers only if they tick that on our form
        "source": source,
    }
    mark = helper_rules.do_not_email_mark(coalition_id, person.email)
    consent = helper_rules.consent_given(helper, mark)
    signing.record(
        petition,
        fields,
        person.language,
        (consent.wording, consent.language) if consent else None,
        key.id,
        [tag.id for tag in helper_rules.tags_named(coalition_id, helper.tag_names)],
        held=mark == "erased",
    )
    helper_rules.honour_unsubscribed(coalition_id, helper)
    return source
