"""The coalitions feature's blueprint, shared by its views modules; views.py, which the app
registers, imports them all."""

from flask import Blueprint

bp = Blueprint("coalitions", __name__)
