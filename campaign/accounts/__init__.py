"""Organizer accounts: sign up, email verification, log in and out, password reset."""
