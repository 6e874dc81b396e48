"""The petitions feature's URL table: every page's address, mapped to its view function.

The app registers `bp`; the view modules hold plain functions and never import this one.
"""

from flask import Blueprint

from campaign.petitions.views import embed, organizer, paper, public

bp = Blueprint("petitions", __name__)

# Public pages: the petition and its form, signing, thanks, confirming, the image, count.json, places.
bp.add_url_rule("/petitions/<slug>", view_func=public.public_petition, methods=["GET"])
bp.add_url_rule("/petitions/<slug>/sign", view_func=public.sign, methods=["POST"])
bp.add_url_rule("/petitions/<slug>/thanks", view_func=public.thanks, methods=["GET"])
bp.add_url_rule("/petitions/confirm/<token>", view_func=public.confirm, methods=["GET", "POST"])
bp.add_url_rule("/petitions/images/<key>.jpg", view_func=public.image, methods=["GET"])
bp.add_url_rule("/petitions/<slug>/count.json", view_func=public.count, methods=["GET"])
bp.add_url_rule("/petitions/<slug>/places", view_func=public.places, methods=["GET"])

# The widget partner websites embed, and its count-only badge.
bp.add_url_rule("/petitions/<slug>/embed", view_func=embed.embed, methods=["GET"])
bp.add_url_rule("/petitions/<slug>/embed", view_func=embed.embed_sign, methods=["POST"])
bp.add_url_rule("/petitions/<slug>/embed/thanks", view_func=embed.embed_thanks, methods=["GET"])
bp.add_url_rule("/petitions/<slug>/badge.svg", view_func=embed.badge, methods=["GET"])

# Organizer pages of paper signatures: enter a batch, correct it, delete it.
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/paper", view_func=paper.paper, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/paper/<int:batch_id>",
    view_func=paper.paper_batch,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/paper/<int:batch_id>/delete",
    view_func=paper.delete_paper_batch,
    methods=["POST"],
)

# Organizer pages: write, open and close a petition, follow the count, clusters and strikes,
# the signers' CSV, the delivery PDF, the widget's code.
bp.add_url_rule("/coalitions/<slug>/petitions", view_func=organizer.petitions, methods=["GET"])
bp.add_url_rule("/coalitions/<slug>/petitions/new", view_func=organizer.new_petition, methods=["GET", "POST"])
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/edit",
    view_func=organizer.edit_petition,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>", view_func=organizer.petition, methods=["GET"]
)
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/figures.json",
    view_func=organizer.figures,
    methods=["GET"],
)
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/widget", view_func=organizer.widget, methods=["GET"]
)
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/signers", view_func=organizer.signers, methods=["GET"]
)
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/clusters",
    view_func=organizer.judge_cluster,
    methods=["POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/strikes/<int:strike_id>/undo",
    view_func=organizer.undo_strike,
    methods=["POST"],
)
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/signers.csv", view_func=organizer.export, methods=["GET"]
)
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/delivery.pdf",
    view_func=organizer.delivery_pdf,
    methods=["GET"],
)
bp.add_url_rule(
    "/coalitions/<slug>/petitions/<int:petition_id>/<any(open, close):action>",
    view_func=organizer.act,
    methods=["POST"],
)
