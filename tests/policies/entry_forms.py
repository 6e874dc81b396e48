"""What the policy entry forms post, as a browser sends them."""

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def entry_form(**overrides) -> dict:
    """What the new-entry form posts for Clackamas County, Oregon, refusing ICE holds."""
    return {
        "level": "county",
        "state": "OR",
        "county_name": "Clackamas",
        "city_name": "",
        "kind": "detainers",
        "status": "refuses",
        "name": "",
        "body": "Sheriff",
        "adopted_on": "2014-04-16",
        "summary_en": "The sheriff stopped honoring ICE holds after the Miranda-Olivares ruling.",
        "summary_es": "El alguacil dejó de acatar las retenciones de ICE.",
        "source_url": "https://www.oregonlive.com/ice-holds",
        "source_title": "The Oregonian",
        "once": "k" * 22,
    } | overrides


def post_new(client, coalition, **overrides):
    return client.post(f"/coalitions/{coalition.slug}/policies/new", data=entry_form(**overrides))
