"""Keep OAuth secrets out of every log line.

Spotify's callback carries the authorization code and state in its query
string, which access logs print in full; tokens could reach a log through an
exception message. The filter rewrites such values to "[redacted]" before
any handler formats the record.
"""

import logging
import re

SECRET_VALUE = re.compile(
    r"(?P<name>\b(?:code|state|code_verifier|access_token|refresh_token|"
    r"client_secret|sessionid|csrftoken)=)[^&\s\"';,]+",
    re.IGNORECASE,
)
BEARER = re.compile(r"(?P<name>\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]+")


def redact(text):
    text = SECRET_VALUE.sub(r"\g<name>[redacted]", text)
    return BEARER.sub(r"\g<name>[redacted]", text)


class RedactSecrets(logging.Filter):
    _formatter = logging.Formatter()

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text as it is when it is already set.
            record.exc_text = redact(self._formatter.formatException(record.exc_info))
        return True
