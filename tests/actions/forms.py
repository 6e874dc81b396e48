"""What the day-of-action forms send, as a person fills them in: the organizer's day and event,
a member's proposal, a supporter's RSVP."""

# The pages run on the real clock, so the day of action (Saturday, May 29, 2077) is far enough
# ahead never to be reached; events "in the past" are put there explicitly.
TITLE = "Vigil for families at the ICE field office"
VENUE = "St. Mary's Church"
PRIVATE_ADDRESS = "2201 Secret Garden Rd"
SECRET = "Secret Garden"  # a part of the address no line folding or escaping would split
HOST_EMAIL = "host@juntos.example"


def day_form(**overrides) -> dict:
    return {
        "title": "Families Belong Together day of action",
        "starts_on": "2077-05-29",
        "ends_on": "",
        "description": "Vigils and rallies in every city with an ICE field office.",
        "demand": "End 287(g) agreements.",
        "title_es": "",
        "description_es": "",
        "demand_es": "",
        "proposals_open": "y",
    } | overrides


def event_form(**overrides) -> dict:
    """The organizer's event form: a vigil in Philadelphia whose address only RSVPs receive."""
    return {
        "host_organization_id": "0",
        "host_email": HOST_EMAIL,
        "title": TITLE,
        "kind": "vigil",
        "description": "Bring a candle.",
        "starts_at": "2077-05-29T18:00",
        "ends_at": "2077-05-29T20:00",
        "zip_code": "19104",
        "venue": VENUE,
        "address": PRIVATE_ADDRESS,
        "address_public": "rsvps",
        "capacity": "",
        "languages": ["en", "es"],
        "accessibility": "Step-free entrance on the side.",
        "hotline": "",
        "safety_notes": "",
        "title_es": "",
        "description_es": "",
    } | overrides


def proposal_form(**overrides) -> dict:
    fields = event_form(title="Know your rights teach-in", kind="training", address="12 Market St")
    for organizer_only in ("host_organization_id", "host_email"):
        del fields[organizer_only]
    return (
        fields
        | {
            "organization_id": "0",
            "group_name": "Vecinos Unidos",
            "first_name": "Rosa",
            "email": "rosa@vecinos.example",
        }
        | overrides
    )


def rsvp_form(**overrides) -> dict:
    return {
        "first_name": "Ana",
        "last_name": "Reyes",
        "email": "ana@example.org",
        "zip_code": "19104",
        "phone": "",
    } | overrides
