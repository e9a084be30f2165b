"""What makes a file a Tilldesk database at this version, and the errors of opening one, without
importing SQLAlchemy: the command line catches these, and its read-only lists
(app.persistence.quick_read) check the marks, before anything heavier loads."""

# The newest schema revision this Tilldesk writes. Opening a database already at it needs no
# alembic at all (importing alembic costs about a quarter of a second of start-up);
# tests/migrations checks that this constant is alembic's head.
SCHEMA_HEAD = "0007"

# `PRAGMA application_id` of every Tilldesk database ("TILL" in ASCII), written on creation and on
# the first open of a file from before the marker. A file is Tilldesk's only with this marker, or
# (older files) a known revision AND the tables that revision made: never by alembic's table alone.
APPLICATION_ID = 0x54494C4C


class DatabaseError(Exception):
    """The database cannot be used; the message says why in plain words."""


class DatabaseMissing(DatabaseError):
    """The named file does not exist and creating it was not asked for (bad input, exit 2)."""
