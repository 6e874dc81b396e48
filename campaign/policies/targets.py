"""The campaigns that name a jurisdiction as their target, with their figures."""


def campaigns_about(jurisdiction_id: int, coalition_ids: list[int] | None) -> list:
    """The letters, petitions and days of action aimed at a jurisdiction; of the coalitions given,
    or of every coalition when None. Filled in by the campaign-targets work."""
    return []
