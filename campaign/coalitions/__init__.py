"""Coalitions: member organizations, invitations, organizer roles, the organizer dashboard."""
