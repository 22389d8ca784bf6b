"""The IMDSv2 session tokens of the emulated instance metadata services (EC2's under ``/imds``, ECS's
in :mod:`imageops.emulator.alicloud_metadata`): both services hand them out and check them the same
way, only their header names differ.

``PUT .../latest/api/token`` carries the lifetime asked for, in seconds (1 to :data:`MAX_TTL`), in the
service's TTL header; anything else there is a plain ``400 Bad Request``. The answer is the token as
text. Every other call carries it in the service's token header; an unknown or expired one is refused
with a plain ``401 Unauthorized``. Expired tokens are forgotten when the next one is issued.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from imageops.emulator.core import Emulator

__all__ = ["MAX_TTL", "MetadataTokens"]

MAX_TTL = 21600
"""The longest lifetime a token may be asked for, in seconds (six hours, on both clouds)."""


class MetadataTokens:
    """One service's tokens (value -> expiry, in the emulator's clock)."""

    def __init__(
        self, emu: Emulator, *, ttl_header: str, token_header: str, scaled: bool, echo_ttl: bool
    ) -> None:
        # ``scaled``: the lifetime runs on the emulator's scaled clock (ECS's, as its role keys do) or
        # counts plain seconds (EC2's). ``echo_ttl``: the answer repeats the TTL header, as EC2's does.
        self.emu = emu
        self.ttl_header = ttl_header
        self.token_header = token_header
        self.scaled = scaled
        self.echo_ttl = echo_ttl
        self.tokens: dict[str, float] = {}

    def issue(self, request: Request) -> Response:
        """The answer to ``PUT /latest/api/token``: a new token, or 400 for a bad lifetime."""
        try:
            ttl = int(request.headers.get(self.ttl_header, ""))
        except ValueError:
            return PlainTextResponse("Bad Request", 400)
        if not 1 <= ttl <= MAX_TTL:
            return PlainTextResponse("Bad Request", 400)
        now = self.emu.now()
        for old in [t for t, until in self.tokens.items() if until <= now]:
            del self.tokens[old]
        value = secrets.token_urlsafe(40)
        self.tokens[value] = now + (self.emu.scaled(ttl) if self.scaled else ttl)
        return PlainTextResponse(value, headers={self.ttl_header: str(ttl)} if self.echo_ttl else None)

    def refused(self, request: Request, *, required: bool) -> Response | None:
        """401 when the request's token is unknown or expired, or (``required``: the instance allows
        IMDSv2 only) missing; None when the call may go on."""
        token = request.headers.get(self.token_header)
        if token is None and not required:
            return None  # IMDSv1: the instance allows it
        if self.tokens.get(token or "", 0.0) <= self.emu.now():
            return PlainTextResponse("Unauthorized", 401)
        return None
