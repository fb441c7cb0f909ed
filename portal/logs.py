"""Logging helpers referenced from ``settings.LOGGING``."""

import logging


class WithoutTraceback(logging.Filter):
    """Keep the one-line message of an expected client error and drop its traceback.

    A request with a Host header the portal does not serve is the client's mistake (or a
    scanner's): it is answered 400 and worth a warning line, not a stack trace that would
    look like a crash to whoever reads the logs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
