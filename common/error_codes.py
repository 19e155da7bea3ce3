"""Codes of the refusals any request can meet, whatever the app: the database's (409) and Django's own (400, 413)."""

#: A write lost a race to a uniqueness rule checked just before it.
CONFLICT = "conflict"
CONFLICT_MESSAGE = "This change collides with data stored meanwhile (for example a name just taken). Reload and try again."
#: A row still referred to by protected foreign keys cannot be deleted.
IN_USE = "in_use"
IN_USE_MESSAGE = "This record is still referred to by other records and cannot be deleted."

#: A request body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): refused before it is read (413).
REQUEST_TOO_LARGE = "request_too_large"
REQUEST_TOO_LARGE_MESSAGE = "The request body is too large: at most {limit:,} bytes."
#: A request Django refuses before any view sees it, e.g. one with too many form fields (400).
BAD_REQUEST = "bad_request"
BAD_REQUEST_MESSAGE = "The request could not be read."
