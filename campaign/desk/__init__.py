"""The organizer's desk: the dashboard and each coalition's overview (figures, what needs you, activity)."""
