"""Codes of the refusals any write can meet in the database, whatever the app: the API answers them with 409."""

#: A write lost a race to a uniqueness rule checked just before it.
CONFLICT = "conflict"
CONFLICT_MESSAGE = "This change collides with data stored meanwhile (for example a name just taken). Reload and try again."
#: A row still referred to by protected foreign keys cannot be deleted.
IN_USE = "in_use"
IN_USE_MESSAGE = "This record is still referred to by other records and cannot be deleted."
