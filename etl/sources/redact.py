"""Keeping API keys in memory: every message, exception and saved file of a fetch goes
through `redact`, so keys (`key=` query values, the `Ocp-Apim-Subscription-Key` header,
and the literal key itself) never reach a terminal, a log or a file."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

REDACTED = "REDACTED"
SECRET_PARAMS = ("key", "subscription-key", "api_key", "apikey", "token")
SECRET_HEADERS = ("Ocp-Apim-Subscription-Key",)

# key=... in a query string or anywhere in text (not "monkey=")
_PARAM_RE = re.compile(
    r"(?i)(?<![A-Za-z0-9_-])((?:" + "|".join(map(re.escape, SECRET_PARAMS)) + r")=)"
    r"[^&\s'\"<>#,;)]+"
)
# "Ocp-Apim-Subscription-Key: v", "'Ocp-Apim-Subscription-Key': 'v'", "...Key=v"
_HEADER_RE = re.compile(
    r"(?i)((?:" + "|".join(map(re.escape, SECRET_HEADERS)) + r")['\"]?\s*[:=]\s*['\"]?)"
    r"[^'\"\s,}&]+"
)


def redact(text: object, secrets: Iterable[str | None] = ()) -> str:
    """`text` with API keys replaced by REDACTED (query values, header values and the
    literal `secrets`, also URL-encoded)."""
    out = str(text)
    for secret in secrets:
        if secret:
            for form in {secret, quote(secret, safe="")}:
                out = out.replace(form, REDACTED)
    out = _PARAM_RE.sub(lambda m: m.group(1) + REDACTED, out)
    return _HEADER_RE.sub(lambda m: m.group(1) + REDACTED, out)


def redact_params(params: Sequence[tuple[str, str]] | dict[str, Any]) -> dict[str, Any]:
    """Query parameters as a dict for query.json, secret values replaced."""
    items = params.items() if isinstance(params, dict) else params
    return {
        k: (REDACTED if k.lower() in SECRET_PARAMS or k in SECRET_HEADERS else v) for k, v in items
    }
