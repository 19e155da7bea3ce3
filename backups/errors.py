"""The one error of backups: a backup or restore that cannot be done, with what to do about it."""


class BackupError(Exception):
    """Why a backup or restore did not happen (or failed and changed nothing), in words for the operator."""
