"""Instance principals: the instance's certificates traded for a security token, as the OCI SDK does.

``InstancePrincipal.fetch`` (the :class:`~imageops.credentials.RefreshingSource` fetcher):

1. reads the leaf certificate, its private key and the intermediate certificate from the instance
   metadata service (``{metadata}/identity/cert.pem``, ``/identity/key.pem``,
   ``/identity/intermediate.pem``, each with ``Authorization: Bearer Oracle``, as IMDSv2 requires);
   the tenancy is the certificate subject's ``opc-tenant:`` (or ``opc-identity:``) value;
2. makes a fresh RSA session key;
3. POSTs ``{"certificate", "publicKey", "intermediateCertificates"}`` (each PEM without its armour
   and line breaks) to the federation endpoint (``https://auth.<region>.oraclecloud.com/v1/x509``),
   signed with the leaf key under the key id ``<tenancy>/fed-x509/<SHA-1 fingerprint of the leaf
   certificate, upper-case hex, colon-separated>`` over ``date (request-target)`` and the body headers,
   as the SDK's ``AuthTokenRequestSigner``;
4. answers the token (``{"token": "<JWT>"}``) with the session key, expiring at the token's ``exp``.

The certificates are fetched again at each refresh: the instance's certificates rotate.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from imageops.credentials import Expiring, RefreshingSource
from imageops.errors import ConfigError
from imageops.oci.auth import OciSigner, SigningKey, load_private_key
from imageops.oci.tokens import expiry
from imageops.redact import redact, register_secret
from imageops.transport import IDEMPOTENT_EXTENSION, RetryPolicy, build_client

__all__ = [
    "DEFAULT_METADATA_BASE_URL",
    "FEDERATION_HEADERS",
    "InstancePrincipal",
    "default_federation_endpoint",
    "federation_key_id",
    "instance_principal",
    "sanitize_pem",
]

DEFAULT_METADATA_BASE_URL = "http://169.254.169.254/opc/v2"
METADATA_HEADERS = {"Authorization": "Bearer Oracle"}
FEDERATION_HEADERS: tuple[str, ...] = ("date", "(request-target)")
"""What the federation request signs besides :data:`~imageops.oci.auth.BODY_HEADERS` (no ``host``)."""
_TENANT_PREFIXES = ("opc-tenant:", "opc-identity:")
_TIMEOUT = 30.0


def default_federation_endpoint(region: str) -> str:
    return f"https://auth.{region}.oraclecloud.com/v1/x509"


def sanitize_pem(pem: bytes | str) -> str:
    """A PEM certificate or public key without its BEGIN/END lines and line breaks (the SDK's form)."""
    text = pem.decode("ascii") if isinstance(pem, bytes) else pem
    for armour in ("CERTIFICATE", "PUBLIC KEY"):
        text = text.replace(f"-----BEGIN {armour}-----", "").replace(f"-----END {armour}-----", "")
    return text.replace("\n", "")


def tenancy_of(certificate: x509.Certificate) -> str:
    with warnings.catch_warnings():  # some subjects carry attributes cryptography warns about
        warnings.simplefilter("ignore", UserWarning)
        for attribute in certificate.subject:
            value = attribute.value if isinstance(attribute.value, str) else ""
            for prefix in _TENANT_PREFIXES:
                if value.startswith(prefix):
                    return value[len(prefix) :]
    raise ConfigError("the instance's certificate names no tenancy (no opc-tenant in its subject)")


def federation_key_id(tenancy: str, certificate: x509.Certificate) -> str:
    digest = certificate.fingerprint(hashes.SHA1())
    return f"{tenancy}/fed-x509/" + ":".join(f"{byte:02X}" for byte in digest)


class InstancePrincipal:
    """Fetches instance principal tokens (see the module doc). No secret in its ``repr``."""

    def __init__(
        self,
        *,
        metadata_base_url: str = DEFAULT_METADATA_BASE_URL,
        federation_endpoint: str | None = None,
        region: str | None = None,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.metadata_base_url = metadata_base_url.rstrip("/")
        self._federation_endpoint = federation_endpoint
        self._region = region
        self._clock = clock
        self._transport = transport
        self._retry = retry
        self.tenancy: str | None = None

    def __repr__(self) -> str:
        return f"InstancePrincipal(metadata_base_url={self.metadata_base_url!r}, tenancy={self.tenancy!r})"

    def _client(self) -> httpx.Client:
        return build_client(base_url="", timeout=_TIMEOUT, retry=self._retry, transport=self._transport)

    def _metadata(self, client: httpx.Client, path: str) -> str:
        url = f"{self.metadata_base_url}/{path}"
        try:
            response = client.get(url, headers=METADATA_HEADERS)
        except Exception as exc:  # TransportError from the retrying transport, or httpx's own
            raise ConfigError(
                f"auth_type instance_principal: the instance metadata service at {self.metadata_base_url} "
                f"cannot be reached ({type(exc).__name__}); instance principals work on OCI compute "
                "instances only"
            ) from None
        if response.status_code != 200:
            raise ConfigError(
                f"auth_type instance_principal: GET {url} answered {response.status_code}; instance "
                "principals work on OCI compute instances only"
            )
        return response.text

    def region(self) -> str:
        """The instance's region: the one given, else the metadata service's canonical name."""
        if self._region is None:
            with self._client() as client:
                self._region = self._metadata(client, "instance/canonicalRegionName").strip().lower()
        return self._region

    def federation_endpoint(self) -> str:
        return self._federation_endpoint or default_federation_endpoint(self.region())

    def fetch(self) -> Expiring[SigningKey]:
        with self._client() as client:
            leaf_pem = self._metadata(client, "identity/cert.pem")
            leaf_key_pem = self._metadata(client, "identity/key.pem")
            register_secret(leaf_key_pem)
            intermediate_pem = self._metadata(client, "identity/intermediate.pem")
            try:
                leaf = x509.load_pem_x509_certificate(leaf_pem.encode("ascii"))
            except ValueError:
                raise ConfigError(
                    "the instance metadata service's cert.pem is not a PEM certificate"
                ) from None
            tenancy = tenancy_of(leaf)
            if self.tenancy is not None and tenancy != self.tenancy:
                # As the SDK: a token for another tenancy would act as someone else.
                raise ConfigError("the instance's certificate now names another tenancy")
            self.tenancy = tenancy
            leaf_key = load_private_key(leaf_key_pem)
            session = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            public_pem = session.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            payload = {
                "certificate": sanitize_pem(leaf_pem),
                "publicKey": sanitize_pem(public_pem),
                "intermediateCertificates": [sanitize_pem(intermediate_pem)],
            }
            signer = OciSigner(
                federation_key_id(tenancy, leaf),
                leaf_key,
                clock=self._clock,
                generic_headers=FEDERATION_HEADERS,
            )
            endpoint = self.federation_endpoint()
            try:
                # Safe to send again (it issues a token, it changes nothing): retried on 429/5xx and
                # connection errors like a GET, as the SDK retries its federation calls.
                retried = {IDEMPOTENT_EXTENSION: True}
                response = client.post(endpoint, json=payload, auth=signer, extensions=retried)
            except Exception as exc:
                raise ConfigError(
                    f"auth_type instance_principal: the federation endpoint {endpoint} cannot be reached "
                    f"({type(exc).__name__})"
                ) from None
        return self._token(response, session, endpoint)

    def _token(
        self, response: httpx.Response, session: rsa.RSAPrivateKey, endpoint: str
    ) -> Expiring[SigningKey]:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if (
            response.status_code != 200
            or not isinstance(body, dict)
            or not isinstance(body.get("token"), str)
        ):
            code = body.get("code", "") if isinstance(body, dict) else ""
            raise ConfigError(
                redact(
                    f"auth_type instance_principal: the federation endpoint {endpoint} refused the "
                    f"instance's certificate ({response.status_code} {code})".rstrip()
                )
            )
        token = body["token"]
        register_secret(token)
        try:
            expires = expiry(token)
        except ValueError as exc:
            raise ConfigError(f"the federation endpoint answered no usable token ({exc})") from None
        return Expiring(SigningKey.for_token(token, session), expires)


def instance_principal(
    *,
    metadata_base_url: str | None = None,
    federation_endpoint: str | None = None,
    region: str | None = None,
    clock: Callable[[], float] = time.time,
    transport: httpx.BaseTransport | None = None,
) -> tuple[RefreshingSource[SigningKey], InstancePrincipal]:
    """A source of instance principal tokens (fetched on first use) and the principal behind it."""
    principal = InstancePrincipal(
        metadata_base_url=metadata_base_url or DEFAULT_METADATA_BASE_URL,
        federation_endpoint=federation_endpoint,
        region=region,
        clock=clock,
        transport=transport,
    )
    return RefreshingSource(principal.fetch, clock=clock, describe="instance principal"), principal
