"""AWS Signature Version 4 for EC2 as an ``httpx.Auth``, computed by botocore's ``SigV4Auth``.

botocore is what every AWS tool signs with, so the signature is the AWS CLI's by construction: the
request is copied into a ``botocore.awsrequest.AWSRequest`` (method, URL, body, content type), signed
for service ``ec2`` in the connection's region, and the ``Authorization``, ``X-Amz-Date`` and (for
temporary credentials) ``X-Amz-Security-Token`` headers are copied back. The HTTP itself goes
through :mod:`imageops.transport`.

The signer is a :class:`imageops.credentials.SigningAuth`: it asks its credential source for the
current key on every attempt (temporary credentials from an assumed role, SSO or the instance
metadata service are refreshed by botocore), and after a 401 renews once and retries once.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from imageops.credentials import CredentialSource, SigningAuth, StaticSource
from imageops.redact import get_logger, register_secret

__all__ = ["BOTOCORE_LOGGERS", "SERVICE", "AwsKey", "AwsSigner"]

SERVICE = "ec2"
# At DEBUG botocore logs what it sends and receives while it finds credentials: the canonical request
# (auth), each request's parameters and headers (endpoint: a web identity token, an SSO bearer token),
# each answer's body (parsers: the keys STS and SSO hand out) and its cache and metadata reads. A
# logger's filters apply only to records logged on it, so each of these gets the redacting filter.
BOTOCORE_LOGGERS = (
    "botocore.auth",
    "botocore.awsrequest",
    "botocore.credentials",
    "botocore.endpoint",
    "botocore.handlers",
    "botocore.httpsession",
    "botocore.parsers",
    "botocore.tokens",
    "botocore.utils",
)
for _name in BOTOCORE_LOGGERS:
    get_logger(_name)
_COPIED = ("Authorization", "X-Amz-Date", "X-Amz-Security-Token")


@dataclass(frozen=True, repr=False)
class AwsKey:
    """An access key pair and, for temporary credentials, its session token (never in a repr)."""

    access_key: str
    secret_key: str
    session_token: str | None = None

    def __post_init__(self) -> None:
        register_secret(self.secret_key)
        register_secret(self.session_token)

    def __repr__(self) -> str:
        token = ", session_token=<hidden>" if self.session_token else ""
        return f"AwsKey({self.access_key!r}, secret_key=<hidden>{token})"


class AwsSigner(SigningAuth[AwsKey]):
    """Signs each request with SigV4 for ``service`` in ``region``."""

    def __init__(
        self, source: CredentialSource[AwsKey] | AwsKey, region: str, *, service: str = SERVICE
    ) -> None:
        super().__init__(StaticSource(source) if isinstance(source, AwsKey) else source)
        self.region = region
        self.service = service

    def __repr__(self) -> str:
        return f"AwsSigner(region={self.region!r}, service={self.service!r})"

    def sign_with(self, request: httpx.Request, credentials: AwsKey) -> httpx.Request:
        headers = (
            {"Content-Type": request.headers["content-type"]} if "content-type" in request.headers else {}
        )
        aws = AWSRequest(method=request.method, url=str(request.url), data=request.content, headers=headers)
        key = Credentials(credentials.access_key, credentials.secret_key, credentials.session_token)
        SigV4Auth(key, self.service, self.region).add_auth(aws)
        for name in _COPIED:
            if name in aws.headers:
                request.headers[name] = aws.headers[name]
        return request
