"""Pre-session safety checks: vitals and attestations before a session starts, the recovery check before it ends."""
