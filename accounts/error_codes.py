"""Error codes of signing in and of API tokens. The sign-in ones are deliberately generic: neither says whether the user exists."""

INVALID_CREDENTIALS = "invalid_credentials"
LOCKED_OUT = "locked_out"

INVALID_CREDENTIALS_MESSAGE = "Unable to sign in with that username and password."
LOCKED_OUT_MESSAGE = "Too many failed sign-in attempts; try again later."

# Another user's token is "not found" as well: whether it exists is none of the caller's business.
TOKEN_NOT_FOUND = "not_found"  # noqa: S105 (an error code)
TOKEN_NOT_FOUND_MESSAGE = "You have no signed-in device with that id."  # noqa: S105 (a message)
