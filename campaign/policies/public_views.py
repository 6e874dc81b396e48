"""The public tracker: site-wide at /policies, one coalition's at /c/<slug>/policies, each
jurisdiction's page, the map's data and the downloads. Only `services.public_entries` and
`services.public_measures` decide what is shown."""

from datetime import date

from flask import Response, abort, jsonify, render_template, request, url_for
from sqlalchemy import select

from campaign.coalitions.models import Coalition
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.policies import downloads, places, services, targets, timeline, tracker
from campaign.policies.blueprint import bp

PUBLIC_CACHE = "public, max-age=60"


def _coalition(slug: str | None) -> Coalition | None:
    """The coalition of a /c/<slug>/ page, which exists only while it shares its tracker."""
    if slug is None:
        return None
    coalition = db.first_or_404(select(Coalition).where(Coalition.slug == slug))
    if not services.tracker_shared(coalition.id):
        abort(404)
    return coalition


def _id(coalition: Coalition | None) -> int | None:
    return coalition.id if coalition else None


def _cached(response: Response) -> Response:
    response.headers["Cache-Control"] = PUBLIC_CACHE
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/policies")
@bp.get("/c/<slug>/policies")
def tracker_page(slug: str | None = None):
    coalition = _coalition(slug)
    entries = tracker.visible(services.public_entries(_id(coalition)))
    found = tracker.standings(entries)
    filters = tracker.read_filters(request.args)
    rows, page, pages = tracker.page_of_rows(tracker.table_rows(found, filters), filters.page)
    return render_template(
        "policies/public/tracker.html", coalition=coalition, counts=tracker.counts(found),
        rows=rows, page=page, pages=pages, filters=filters, legend=tracker.legend(),
        map_labels=tracker.map_labels(),
        state_layers=tracker.state_layers(found),
        bars=timeline.chart_bars(timeline.limiting_by_year(entries)), timeline=timeline,
        state_choices=places.states_by_name(),
        kind_choices=list(tracker.JURISDICTION_KINDS.items()),
        names=tracker.coalition_names({entry.coalition_id for entry in entries}), tracker=tracker,
    )  # fmt: skip


@bp.get("/policies/map.json")
@bp.get("/c/<slug>/policies/map.json")
def map_json(slug: str | None = None):
    coalition = _coalition(slug)
    found = tracker.standings(tracker.visible(services.public_entries(_id(coalition))))
    return _cached(
        jsonify(tracker.map_data(found, lambda jurisdiction_id: _page_url(coalition, jurisdiction_id)))
    )


def _page_url(coalition: Coalition | None, jurisdiction_id: int) -> str:
    slug = coalition.slug if coalition else None
    return url_for("policies.jurisdiction", slug=slug, jurisdiction_id=jurisdiction_id)


def _download(coalition: Coalition | None, extension: str, response: Response) -> Response:
    name = f"policies-{coalition.slug if coalition else 'all'}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _cached(response)


def _records(coalition: Coalition | None) -> list[dict]:
    return downloads.records(tracker.visible(services.public_entries(_id(coalition))))


@bp.get("/policies.csv")
@bp.get("/c/<slug>/policies.csv")
def tracker_csv(slug: str | None = None):
    coalition = _coalition(slug)
    text = "".join(downloads.csv_text(_records(coalition)))
    return _download(coalition, "csv", Response(text, mimetype="text/csv"))


@bp.get("/policies.json")
@bp.get("/c/<slug>/policies.json")
def tracker_json(slug: str | None = None):
    coalition = _coalition(slug)
    found = downloads.document(_records(coalition), coalition and coalition.slug, date.today())
    return _download(coalition, "json", jsonify(found))


@bp.get("/policies/jurisdictions/<int:jurisdiction_id>")
@bp.get("/c/<slug>/policies/jurisdictions/<int:jurisdiction_id>")
def jurisdiction(jurisdiction_id: int, slug: str | None = None):
    coalition = _coalition(slug)
    shown = _public_page_or_404(coalition, jurisdiction_id)
    coalition_ids = [coalition.id] if coalition else tracker.sharing_coalitions()
    return render_template(
        "policies/public/jurisdiction.html", coalition=coalition, shown=shown,
        name=services.label(shown.jurisdiction), tracker=tracker,
        campaigns=targets.campaigns_about(jurisdiction_id, coalition_ids),
    )  # fmt: skip


@bp.get("/policies/jurisdictions/<int:jurisdiction_id>/hearings.ics")
@bp.get("/c/<slug>/policies/jurisdictions/<int:jurisdiction_id>/hearings.ics")
def hearings(jurisdiction_id: int, slug: str | None = None):
    shown = _public_page_or_404(_coalition(slug), jurisdiction_id)
    upcoming = [m for m in shown.measures if m.next_hearing_at and m.next_hearing_at >= utcnow()]
    calendar = downloads.hearings_calendar(upcoming, services.label(shown.jurisdiction))
    response = Response(calendar, mimetype="text/calendar")
    response.vary.add("Accept-Language")  # place and summaries in the reader's language: cached apart
    return _cached(response)


def _public_page_or_404(coalition: Coalition | None, jurisdiction_id: int):
    """What the public may see of a place, in one coalition's tracker or the site-wide one; 404
    for a place with nothing public."""
    shown = tracker.jurisdiction_page(
        services.public_entries(_id(coalition)), services.public_measures(_id(coalition)), jurisdiction_id
    )
    if shown is None:
        abort(404)
    return shown
