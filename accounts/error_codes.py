"""Error codes of signing in. Both are deliberately generic: neither says whether the user exists."""

INVALID_CREDENTIALS = "invalid_credentials"
LOCKED_OUT = "locked_out"

INVALID_CREDENTIALS_MESSAGE = "Unable to sign in with that username and password."
LOCKED_OUT_MESSAGE = "Too many failed sign-in attempts; try again later."
