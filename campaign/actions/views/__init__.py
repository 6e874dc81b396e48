"""The actions feature's URL table: every page's address, mapped to its view function.

The app registers `bp`; the view modules hold plain functions and never import this one.
"""

from flask import Blueprint

from campaign.actions.views import host, organizer, public

bp = Blueprint("actions", __name__)

# RsvpState, for every template of the app: the organizer's and the host's pages count by it.
bp.app_context_processor(organizer.action_names)

# The host's tools, opened by the host link: roster, check-in, walk-ins, message, report, edit, cancel.
bp.add_url_rule("/actions/host/<token>", view_func=host.host, methods=["GET"])
bp.add_url_rule("/actions/host/<token>/check-in", view_func=host.check_in_list, methods=["GET"])
bp.add_url_rule("/actions/host/<token>/check-in/<int:rsvp_id>", view_func=host.check_in, methods=["POST"])
bp.add_url_rule("/actions/host/<token>/walk-in", view_func=host.walk_in, methods=["POST"])
bp.add_url_rule("/actions/host/<token>/message", view_func=host.message, methods=["GET", "POST"])
bp.add_url_rule("/actions/host/<token>/report", view_func=host.report, methods=["GET", "POST"])
bp.add_url_rule("/actions/host/<token>/edit", view_func=host.edit, methods=["GET", "POST"])
bp.add_url_rule("/actions/host/<token>/cancel", view_func=host.cancel, methods=["POST"])

# Public pages: the day and its events, calendars, RSVPs and managing one, proposals, the summary.
bp.add_url_rule("/actions/<slug>", view_func=public.public_day, methods=["GET"])
bp.add_url_rule("/actions/<slug>/calendar.ics", view_func=public.day_calendar, methods=["GET"])
bp.add_url_rule("/actions/<slug>/events/<int:event_id>", view_func=public.event, methods=["GET"])
bp.add_url_rule(
    "/actions/<slug>/events/<int:event_id>/calendar.ics", view_func=public.event_calendar, methods=["GET"]
)
bp.add_url_rule("/actions/<slug>/events/<int:event_id>/rsvp", view_func=public.rsvp, methods=["POST"])
bp.add_url_rule("/actions/<slug>/events/<int:event_id>/thanks", view_func=public.rsvp_thanks, methods=["GET"])
bp.add_url_rule("/actions/rsvp/<token>", view_func=public.manage_rsvp, methods=["GET", "POST"])
bp.add_url_rule("/actions/<slug>/propose", view_func=public.propose, methods=["GET", "POST"])
bp.add_url_rule("/actions/<slug>/proposed", view_func=public.proposed, methods=["GET"])
bp.add_url_rule("/actions/<slug>/summary", view_func=public.summary, methods=["GET"])

# Organizer pages: write and publish a day, add, edit and approve events, figures and RSVPs' CSVs.
bp.add_url_rule("/coalitions/<slug>/actions", view_func=organizer.days, methods=["GET"])
bp.add_url_rule("/coalitions/<slug>/actions/new", view_func=organizer.new_day, methods=["GET", "POST"])
bp.add_url_rule(
    "/coalitions/<slug>/actions/<int:day_id>/edit", view_func=organizer.edit_day, methods=["GET", "POST"]
)
bp.add_url_rule("/coalitions/<slug>/actions/<int:day_id>", view_func=organizer.day, methods=["GET"])
bp.add_url_rule(
    "/coalitions/<slug>/actions/<int:day_id>/publish", view_func=organizer.publish, methods=["POST"]
)
bp.add_url_rule(
    "/coalitions/<slug>/actions/<int:day_id>/events/new",
    view_func=organizer.new_event,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/actions/<int:day_id>/events/<int:event_id>/edit",
    view_func=organizer.edit_event,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/actions/<int:day_id>/events/<int:event_id>/"
    "<any(approve, decline, cancel, rekey):action>",
    view_func=organizer.act,
    methods=["POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/actions/<int:day_id>/events/<int:event_id>",
    view_func=organizer.event_admin,
    methods=["GET"],
)
bp.add_url_rule(
    "/coalitions/<slug>/actions/<int:day_id>/summary.csv", view_func=organizer.summary_csv, methods=["GET"]
)
bp.add_url_rule(
    "/coalitions/<slug>/actions/<int:day_id>/rsvps.csv", view_func=organizer.rsvps_csv, methods=["GET"]
)
bp.add_url_rule(
    "/coalitions/<slug>/actions/<int:day_id>/events/<int:event_id>/rsvps.csv",
    view_func=organizer.event_rsvps_csv,
    methods=["GET"],
)
