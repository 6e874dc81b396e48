"""The API entry point (AEP): what the API serves, linked as far as the caller's key reaches.

Each collection is a row of LINKS; `letters` is our own extension, named in our namespace as
OSDI allows for collections it does not define (docs/api/README.md)."""

from campaign.api import hal
from campaign.api.models import Scope

# rel, endpoint, title, the scope a key needs to follow it
LINKS = [
    ("osdi:people", "api.people.index", "The collection of people in the system", Scope.READ_PEOPLE),
    ("osdi:petitions", "api.petitions.index", "The collection of petitions in the system", Scope.READ_COUNTS),
    ("osdi:events", "api.events.index", "The collection of events in the system", Scope.READ_COUNTS),
    ("osdi:tags", "api.tags.index", "The collection of tags in the system", Scope.READ_PEOPLE),
    ("osdi:person_signup_helper", "api.people.signup", "The person signup helper", Scope.WRITE),
    ("osdi:forms", "api.forms.index", "The collection of forms in the system", Scope.READ_COUNTS),
    ("campaign_desk:letters", "api.letters.index", "The collection of sign-on letters", Scope.READ_COUNTS),
    ("campaign_desk:policies", "policies.tracker_json", "The public policy tracker", Scope.READ_COUNTS),
]


def entry_point(scope: Scope) -> dict:
    links = {
        "curies": hal.CURIES,
        "self": hal.link("api.osdi.entry_point", "This API entry point"),
        "docs": hal.link("api.osdi.openapi", "The OpenAPI description of this API"),
    }
    for rel, endpoint, title, needed in LINKS:
        if needed in scope.grants:
            links[rel] = hal.link(endpoint, title)
    return {
        "motd": "Welcome to the Campaign desk OSDI API entry point",
        "vendor_name": "Campaign desk",
        "product_name": "Campaign desk",
        "osdi_version": hal.OSDI_VERSION,
        "namespace": hal.NAMESPACE,
        "max_page_size": hal.MAX_PAGE_SIZE,
        "_links": links,
    }
