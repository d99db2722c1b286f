class BackupError(Exception):
    """A backup or a restore that cannot go on; the message, in Vietnamese, says why and
    what to do. Nothing of the live data has been changed when it is raised, unless the
    message says otherwise."""
