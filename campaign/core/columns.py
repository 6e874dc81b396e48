"""Column types shared by every feature's models."""

from sqlalchemy import Enum


def enum_column(enum_class, length: int) -> Enum:
    """Stored as the members' values ("subscribed"), which read well in a database dump."""
    return Enum(enum_class, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])
