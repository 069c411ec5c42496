"""Errors that the command line reports as one clear line, never as a traceback."""


class KgError(Exception):
    """A problem the user can fix (bad input file, unknown model, bad query...).

    The message names the file (and line) where one is involved.
    """
