"""Supporters: the people who sign and RSVP, their encrypted contact data and consent."""
