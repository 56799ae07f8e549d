"""Keep Xero's authorisation codes out of the HTTP access log.

Werkzeug logs each request line, query string included: the OAuth callback
(``/xero/oauth/callback?code=...&state=...``) would leave a short-lived
authorisation code and our signed state in every access log. A filter on the
``werkzeug`` logger blanks them on that path before any handler sees them.
"""

import logging
import re

from ..models.xero_authorization import CALLBACK_URL

REDACTED = "[redacted]"
_SECRET_PARAMS = re.compile(r"([?&](?:code|state)=)[^&\s\"]*")


def redact(text):
    """``text`` with the code and state of callback URLs blanked."""
    if CALLBACK_URL not in text:
        return text
    return _SECRET_PARAMS.sub(rf"\g<1>{REDACTED}", text)


class RedactOAuthCallback(logging.Filter):
    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install(logger_name="werkzeug"):
    """Add the filter once (the module may be imported again, e.g. on reload)."""
    logger = logging.getLogger(logger_name)
    if not any(type(f).__name__ == RedactOAuthCallback.__name__ for f in logger.filters):
        logger.addFilter(RedactOAuthCallback())


install()
