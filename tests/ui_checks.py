"""What the click tests watch on the server side while the browser clicks:
errors in the server log, and the summary the click tour writes."""

import json
import logging
from contextlib import contextmanager

CLICKED = "xero-clicked: "


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.errors, self.summaries, self.console = [], [], []

    def emit(self, record):
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.errors.append(f"{record.name}: {message[:3000]}")
        elif record.name.endswith(".browser"):
            self.console.append(message)
        if CLICKED in message:
            self.summaries.append(json.loads(message.split(CLICKED, 1)[1].splitlines()[0]))


@contextmanager
def watch_server_log():
    """Collect every ERROR (a traceback included) the server logs meanwhile,
    what the browser's console said, and the summaries of the click tour."""
    collector = _Collector()
    loggers = [logging.getLogger("odoo"), logging.getLogger("werkzeug")]
    for logger in loggers:
        logger.addHandler(collector)
    try:
        yield collector
    finally:
        for logger in loggers:
            logger.removeHandler(collector)
