"""Error codes of signing in, of the second factor and of API tokens. The first two are deliberately generic: neither says whether the user exists."""

INVALID_CREDENTIALS = "invalid_credentials"
LOCKED_OUT = "locked_out"

INVALID_CREDENTIALS_MESSAGE = "Unable to sign in with that username and password."
LOCKED_OUT_MESSAGE = "Too many failed sign-in attempts; try again later."

# Another user's token is "not found" as well: whether it exists is none of the caller's business.
TOKEN_NOT_FOUND = "not_found"  # noqa: S105 (an error code)
TOKEN_NOT_FOUND_MESSAGE = "You have no signed-in device with that id."  # noqa: S105 (a message)

# Two-factor sign-in (accounts.two_factor). None of them is given before the password was right.
OTP_REQUIRED = "otp_required"
OTP_INVALID = "otp_invalid"
TWO_FACTOR_SETUP_REQUIRED = "two_factor_setup_required"
TWO_FACTOR_REQUIRED = "two_factor_required"
TWO_FACTOR_MANDATORY = "two_factor_mandatory"

OTP_REQUIRED_MESSAGE = (
    "This account signs in with a second factor: send `otp`, the 6-digit code from the authenticator app or one of "
    "the recovery codes."
)
OTP_INVALID_MESSAGE = "That code is not valid. App codes change every 30 seconds; each recovery code works once."
OTP_THROTTLED_MESSAGE = "Too many wrong codes in a row for this account: wait {seconds} seconds, then try the current code."
TWO_FACTOR_SETUP_REQUIRED_MESSAGE = (
    "This account must sign in with a second factor and has none set up yet. Sign in to the staff pages in a "
    "browser to set up an authenticator app, then ask for a token again."
)
TWO_FACTOR_REQUIRED_MESSAGE = (
    "This session has not finished signing in: enter the code from your authenticator app (or set one up) in the "
    "staff pages first, or use an API token."
)
TWO_FACTOR_MANDATORY_MESSAGE = "Your role or clinic requires two-factor sign-in, so it cannot be turned off."
