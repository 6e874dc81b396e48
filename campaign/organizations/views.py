"""Organization pages.

Organizations are edited and linked inside a coalition, where the access rules live, so those
pages are in campaign/coalitions/views.py (this feature comes before coalitions and cannot
import them). This blueprint is kept for pages of the public directory itself.
"""

from flask import Blueprint

bp = Blueprint("organizations", __name__)
