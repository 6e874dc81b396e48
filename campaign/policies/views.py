"""The policy tracker: the organizer's pages of entries, measures and imports, the public
tracker and each jurisdiction's page. Each group of pages is a module of its own, listed here."""

from campaign.policies import entry_views, import_views, measure_views, public_views, target_views
from campaign.policies.blueprint import bp  # noqa: F401 - the app registers it from here

# The feature's pages: their routes are on the same blueprint, which the app registers from
# this module.
OTHER_PAGES = (entry_views, import_views, measure_views, public_views, target_views)
