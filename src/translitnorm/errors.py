"""The one base class for errors a user can fix; the CLI prints them without a traceback."""


class TranslitnormError(Exception):
    """An error caused by input or configuration, whose message tells the user the fix."""
