"""The policies feature's blueprint, shared by its views modules; views.py, which the app
registers, imports them all."""

from flask import Blueprint

bp = Blueprint("policies", __name__)
