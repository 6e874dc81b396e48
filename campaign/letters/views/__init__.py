"""The letters feature's URL table: every page's address, mapped to its view function.

The app registers `bp`; the view modules hold plain functions and never import this one.
"""

from flask import Blueprint

from campaign.letters.views import organizer, public, vetting

bp = Blueprint("letters", __name__)

# The letters' state labels, given to every template of the app.
bp.app_context_processor(organizer.letter_labels)

# Public pages: the letter and its change log, signing on, confirming, withdrawing.
bp.add_url_rule("/letters/<slug>", view_func=public.public_letter, methods=["GET"])
bp.add_url_rule("/letters/sign/<key>", view_func=public.sign, methods=["GET", "POST"])
bp.add_url_rule("/letters/sign/<key>/check-email", view_func=public.signed, methods=["GET"])
bp.add_url_rule(
    "/letters/sign/<key>/organizations.json", view_func=public.organization_suggestions, methods=["GET"]
)
bp.add_url_rule("/letters/confirm/<token>", view_func=public.confirm, methods=["GET", "POST"])
bp.add_url_rule("/letters/withdraw/<token>", view_func=public.withdraw, methods=["GET", "POST"])

# Organizer pages vetting the sign-ons: the queue, decisions, merge, rename, add by hand.
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/signatures", view_func=vetting.signatures, methods=["GET"]
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/signatures", view_func=vetting.decide, methods=["POST"]
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/signatures/<int:signature_id>/merge",
    view_func=vetting.merge,
    methods=["POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/signatures/<int:signature_id>/name",
    view_func=vetting.rename,
    methods=["POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/signatures/add",
    view_func=vetting.add_signatory,
    methods=["GET", "POST"],
)

# Organizer pages: write and review changes, open and close, summary, CSV, packet, delivery,
# the response, outreach to members.
bp.add_url_rule("/coalitions/<slug>/letters", view_func=organizer.letters, methods=["GET"])
bp.add_url_rule("/coalitions/<slug>/letters/new", view_func=organizer.new_letter, methods=["GET", "POST"])
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/edit",
    view_func=organizer.edit_letter,
    methods=["GET", "POST"],
)
bp.add_url_rule("/coalitions/<slug>/letters/<int:letter_id>", view_func=organizer.letter, methods=["GET"])
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/<any(open, release, close, reopen):action>",
    view_func=organizer.act,
    methods=["POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/summary", view_func=organizer.summary, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/signatories.csv", view_func=organizer.export, methods=["GET"]
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/packet", view_func=organizer.packet_page, methods=["GET"]
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/packet.pdf", view_func=organizer.packet_pdf, methods=["GET"]
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/delivery",
    view_func=organizer.record_delivery,
    methods=["POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/response",
    view_func=organizer.record_response,
    methods=["POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/outreach", view_func=organizer.outreach_page, methods=["GET"]
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/outreach/<any(members, remind):action>",
    view_func=organizer.outreach_action,
    methods=["POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/letters/<int:letter_id>/outreach/paste",
    view_func=organizer.outreach_paste,
    methods=["POST"],
)
