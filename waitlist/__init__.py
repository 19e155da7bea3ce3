"""The waitlist: patients waiting for an earlier start, offered freed slots by email with a time-limited hold."""
