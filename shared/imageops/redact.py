"""Keep credentials out of log lines and exception messages.

:func:`redact` scrubs, from any text:

* PEM blocks (``-----BEGIN ... -----`` to ``-----END ... -----``, or to the end of the text when the
  block is cut short),
* ``signature="..."`` values of HTTP-signature style headers,
* ``Authorization`` header values, in ``Authorization: value`` and ``'authorization': 'value'`` form,
* signatures carried in URL query strings (``Signature=``, ``X-Amz-Signature=``,
  ``X-Amz-Credential=``), as RPC-style APIs send them,
* the values of credential fields, by name, in XML (``<SessionToken>...</SessionToken>``), JSON and
  dict reprs (``"secretAccessKey": "..."``), query strings and form bodies (``X-Amz-Security-Token=``,
  ``SecurityToken=``, ``WebIdentityToken=...``): what an STS,
  SSO or instance-metadata answer hands out is logged by a library (botocore at DEBUG) before
  anything could register it,
* every secret registered with :func:`register_secret` (passphrases, key contents, secret keys).

:class:`RedactingFilter` applies it to log records. Python consults a logger's filters only for
records logged on that very logger (not for records propagated from its children), so the filter is
installed on the ``imageops`` logger *and* on every logger obtained through :func:`get_logger`,
which is how imageops modules get theirs. It is also installed on the ``httpx`` and ``httpcore``
loggers, which log request URLs (with their query strings).
"""

from __future__ import annotations

import logging
import re
import threading

__all__ = ["CREDENTIAL_FIELDS", "MASK", "RedactingFilter", "get_logger", "redact", "register_secret"]

MASK = "***"

_MIN_SECRET_LEN = 4  # shorter "secrets" would mask ordinary words and digits

_PEM = re.compile(
    r"-----BEGIN [A-Z0-9 ]+-----.*?(?:-----END [A-Z0-9 ]+-----|\Z)",
    re.DOTALL,
)
_SIGNATURE = re.compile(r'(signature\s*=\s*)(\\?")(.*?)(\\?")', re.IGNORECASE)
# 'authorization': 'value' / "authorization": "value" (dict reprs, JSON)
_AUTH_QUOTED = re.compile(r"""(authorization['"]\s*[:=]\s*)(['"])(.*?)(\2)""", re.IGNORECASE)
# Authorization: value (header lines), to the end of the line
_AUTH_LINE = re.compile(r"(authorization\s*[:=]\s*)(?!['\"])([^\r\n]+)", re.IGNORECASE)

_QUERY_SECRET = re.compile(
    r"([?&](?:Signature|X-Amz-Signature|X-Amz-Credential)=)[^&\s\"'#]+",
    re.IGNORECASE,
)

#: Fields whose value is a credential wherever it appears: STS answers (AWS and Alibaba Cloud), SSO's
#: role credentials and token cache, web identity and SAML sign-in, the session token header.
CREDENTIAL_FIELDS = (
    "SecretAccessKey",
    "SessionToken",
    "SecurityToken",
    "X-Amz-Security-Token",
    "WebIdentityToken",
    "SAMLAssertion",
    "AccessKeySecret",
    "AccessToken",
    "RefreshToken",
    "ClientSecret",
    "x-amz-sso_bearer_token",
)
_FIELD_NAMES = "|".join(re.escape(name) for name in CREDENTIAL_FIELDS)
_FIELD_XML = re.compile(rf"(<({_FIELD_NAMES})>)([^<]*)(</\2>)", re.IGNORECASE)
# "name": "value", 'name': b'value' (JSON, dict reprs, bytes reprs of JSON)
_FIELD_QUOTED = re.compile(rf"""(['"](?:{_FIELD_NAMES})['"]\s*:\s*b?)(['"])(.*?)(?<!\\)(\2)""", re.IGNORECASE)
# name=value in a form body or query string
_FIELD_FORM = re.compile(rf"""((?:^|(?<=[?&\s'"(]))(?:{_FIELD_NAMES})=)[^&\s"'#]+""", re.IGNORECASE)

_lock = threading.Lock()
_secrets: set[str] = set()
_secrets_re: re.Pattern[str] | None = None


def register_secret(value: str | bytes | None) -> None:
    """Mask ``value`` wherever it appears from now on (empty and very short values are ignored).

    For PEM key material each line of the body is registered too, so a fragment is masked as well.
    """
    global _secrets_re
    if value is None:
        return
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    candidates = {text.strip()}
    if "-----BEGIN" in text:
        candidates.update(
            line.strip() for line in text.splitlines() if line.strip() and not line.startswith("-----")
        )
    candidates = {c for c in candidates if len(c) >= _MIN_SECRET_LEN}
    if not candidates - _secrets:
        return
    with _lock:
        _secrets.update(candidates)
        # Longest first, so a secret that contains another is masked whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _secrets_re = re.compile("|".join(re.escape(s) for s in ordered))


def redact(text: object) -> str:
    """``text`` (any object, converted with ``str``) with every credential replaced by ``***``."""
    out = text if isinstance(text, str) else str(text)
    secrets_re = _secrets_re
    if secrets_re is not None:
        out = secrets_re.sub(MASK, out)
    out = _PEM.sub(MASK, out)
    out = _SIGNATURE.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}{m.group(4)}", out)
    out = _AUTH_QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}{m.group(4)}", out)
    out = _AUTH_LINE.sub(lambda m: f"{m.group(1)}{MASK}", out)
    out = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}{MASK}", out)
    out = _FIELD_XML.sub(lambda m: f"{m.group(1)}{MASK}{m.group(4)}", out)
    out = _FIELD_QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}{m.group(4)}", out)
    out = _FIELD_FORM.sub(lambda m: f"{m.group(1)}{MASK}", out)
    return out


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback text) through :func:`redact`; drops nothing."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_imageops_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._imageops_redacted = True
        return True


_FILTER = RedactingFilter()


def get_logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)`` with the redacting filter installed (once)."""
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger


for _name in ("imageops", "httpx", "httpcore"):
    get_logger(_name)
