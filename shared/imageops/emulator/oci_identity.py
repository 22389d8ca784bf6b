"""OCI identity on loopback: instance metadata, the X.509 federation endpoint, and security tokens.

* ``GET /opc/v2/instance/region``, ``/instance/canonicalRegionName``, ``/identity/cert.pem``,
  ``/identity/key.pem``, ``/identity/intermediate.pem``: the instance metadata service (IMDSv2) of the
  demo tenancy's running instance; each needs ``Authorization: Bearer Oracle``, as the real one does.
* ``POST /v1/x509``: the federation endpoint. The request must be signed (``date (request-target)``
  and the body headers) with the leaf certificate's key under the key id
  ``<tenancy>/fed-x509/<SHA-1 fingerprint>``, the leaf issued by the emulator's intermediate; the
  answer is ``{"token": <JWT>}`` for the session public key of the body.
* Security tokens are RS256 JWTs signed with a key only the emulator holds, carrying the session
  public key (``jwk``), the tenancy and ``exp`` on the emulator's scaled clock: an instance principal's
  lasts 20 minutes, a session token or a resource principal session token an hour, scaled
  (``IMAGEOPS_EMULATOR_OCI_TOKEN_LIFETIME`` (seconds, before scaling) overrides all three, for tests of
  refreshes). A request signed ``ST$<token>`` acts as the token's tenancy; a forged or expired token
  gets 401 NotAuthenticated.
* ``--env-file`` users get a ``SESSION`` (and ``OTHER_SESSION``) profile in the emulator's OCI config
  file (``security_token_file`` + ``key_file``, as ``oci session authenticate`` writes) and a resource
  principal (version 2.2, token and key as files), whose token files the emulator keeps current, as
  ``oci session refresh`` or the OCI service would.

Private keys only ever go to files in the data directory (mode 0600).
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from imageops.emulator.core import Emulator, atomic_write, call_info
from imageops.emulator.oci_auth import (
    Caller,
    SignatureError,
    fingerprint,
    private_pem,
    public_pem,
    verify_request,
)
from imageops.emulator.oci_jwt import (
    b64url,
    certificate,
    jwk,
    key_file,
    public_from_jwk,
    token_tenancy,
    unb64url,
    unverified_claims,
    x509_name,
)
from imageops.emulator.oci_seed import PROFILES, region_key

__all__ = ["TOKEN_PREFIX", "Identity", "env", "routes", "token_tenancy", "write_session_profiles"]

INSTANCE_TOKEN_LIFETIME = 1200.0
SESSION_TOKEN_LIFETIME = 3600.0
LIFETIME_ENV = "IMAGEOPS_EMULATOR_OCI_TOKEN_LIFETIME"
MIN_LIFETIME = 1.0
"""Emulated seconds: a token must outlive the call it is minted for, whatever the time scale."""
TOKEN_PREFIX = "ST$"
FEDERATION_SIGNED = ("(request-target)", "content-length", "content-type", "x-content-sha256")
ISSUER = "authService.oracle.com"


class Identity:
    """Keys, certificates and tokens of the OCI emulator's identity side (see the module doc)."""

    def __init__(self, emu: Emulator, oci: dict[str, Any]) -> None:
        self.emu = emu
        self.oci = oci
        self.folder = emu.data_dir / "oci"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.token_key = key_file(self.folder / "token_signing_key.pem")
        demo = oci["demo"]["DEFAULT"]
        self.tenancy = demo["tenancy"]
        self.instance = demo["instance"]
        self.compartment = demo["compartment"]
        ca_key = key_file(self.folder / "intermediate_ca_key.pem")
        ca_name = x509_name("opc-certtype:intermediate", common="PKISVC Identity Intermediate emulator")
        self.intermediate = certificate(ca_name, ca_key.public_key(), ca_name, ca_key, ca=True)
        self.leaf_key = key_file(self.folder / "instance_leaf_key.pem")
        leaf_name = x509_name(
            "opc-certtype:instance",
            f"opc-compartment:{self.compartment}",
            f"opc-instance:{self.instance}",
            f"opc-tenant:{self.tenancy}",
            common=self.instance,
        )
        self.leaf = certificate(leaf_name, self.leaf_key.public_key(), ca_name, ca_key, ca=False)
        self._lock = threading.Lock()

    # tokens ----------------------------------------------------------------------------------
    def lifetime(self, real_seconds: float) -> float:
        override = os.environ.get(LIFETIME_ENV)
        seconds = float(override) if override else real_seconds
        return max(self.emu.scaled(seconds), MIN_LIFETIME)

    def mint(self, claims: dict[str, Any], public_key: rsa.RSAPublicKey, lifetime: float) -> str:
        now = self.emu.now()
        body = {"iss": ISSUER, "iat": int(now), "exp": now + lifetime, "jwk": jwk(public_key), **claims}
        header = {"alg": "RS256", "typ": "JWT", "kid": "asw"}
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(body).encode())}"
        signature = self.token_key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64url(signature)}"

    def verify_token(self, token: str) -> tuple[Caller, str]:
        """The caller a token acts as and its session public key; SignatureError when forged or expired."""
        parts = token.split(".")
        if len(parts) != 3:
            raise SignatureError("The security token is malformed")
        try:
            self.token_key.public_key().verify(
                unb64url(parts[2]),
                f"{parts[0]}.{parts[1]}".encode("ascii"),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (InvalidSignature, ValueError):
            raise SignatureError("The security token is not valid") from None
        claims = unverified_claims(token)
        if float(claims.get("exp", 0)) <= self.emu.now():
            raise SignatureError("The security token has expired")
        tenancy = claims.get("tenant") or claims.get("res_tenant")
        if not tenancy:
            raise SignatureError("The security token names no tenancy")
        key = public_from_jwk(claims.get("jwk"))
        return Caller(
            tenancy=str(tenancy), user=str(claims.get("sub", "")), fingerprint=TOKEN_PREFIX
        ), public_pem(key)

    def key_for(self, lookup: Callable[[str], tuple[Caller, str]]) -> Callable[[str], tuple[Caller, str]]:
        """Resolve ``ST$`` key ids to their token's caller, any other through ``lookup`` (API keys)."""

        def resolve(key_id: str) -> tuple[Caller, str]:
            if key_id.startswith(TOKEN_PREFIX):
                return self.verify_token(key_id[len(TOKEN_PREFIX) :])
            return lookup(key_id)

        return resolve

    # federation ------------------------------------------------------------------------------
    def federation_key(self, body: dict[str, Any]) -> Callable[[str], tuple[Caller, str]]:
        """Resolve the federation call's key id against the certificate in its body."""

        def resolve(key_id: str) -> tuple[Caller, str]:
            tenancy, _, rest = key_id.partition("/fed-x509/")
            if not tenancy or not rest:
                raise SignatureError("The keyId is not <tenancy>/fed-x509/<fingerprint>")
            try:
                leaf = x509.load_der_x509_certificate(base64.b64decode(str(body.get("certificate", ""))))
                leaf.verify_directly_issued_by(self.intermediate)
            except (ValueError, TypeError, InvalidSignature):
                raise SignatureError("The certificate was not issued by the instance identity CA") from None
            digest = ":".join(f"{b:02X}" for b in leaf.fingerprint(hashes.SHA1()))
            if digest != rest:
                raise SignatureError("The keyId fingerprint does not match the certificate")
            if f"opc-tenant:{tenancy}" not in [str(a.value) for a in leaf.subject]:
                raise SignatureError("The certificate is not for the keyId's tenancy")
            public = leaf.public_key()
            assert isinstance(public, rsa.RSAPublicKey)
            return Caller(tenancy=tenancy, user=self.instance, fingerprint=rest), public_pem(public)

        return resolve

    def instance_token(self, caller: Caller, body: dict[str, Any]) -> str:
        try:
            der = base64.b64decode(str(body["publicKey"]), validate=True)
            session = serialization.load_der_public_key(der)
        except (KeyError, ValueError):
            raise SignatureError("publicKey is not a base64 DER public key") from None
        if not isinstance(session, rsa.RSAPublicKey):
            raise SignatureError("publicKey is not an RSA key")
        claims = {
            "sub": caller.user,
            "tenant": caller.tenancy,
            "ptype": "instance",
            "opc-instance": caller.user,
        }
        return self.mint(claims, session, self.lifetime(INSTANCE_TOKEN_LIFETIME))

    # files for --env-file users ------------------------------------------------------------------
    def session_files(self, profile: str, tenancy: str, user: str) -> tuple[Path, Path]:
        """The key file and token file of a ``security_token`` profile (``oci session authenticate``)."""
        key_path = self.folder / f"{profile.lower()}_session_key.pem"
        token_path = self.folder / f"{profile.lower()}_token"
        key = key_file(key_path)
        claims = {"sub": user, "tenant": tenancy, "ptype": "user"}
        self._keep_current(
            token_path, lambda: self.mint(claims, key.public_key(), self.lifetime(SESSION_TOKEN_LIFETIME))
        )
        return key_path, token_path

    def resource_files(self) -> tuple[Path, Path]:
        """The private key file and RPST file of the demo tenancy's resource principal."""
        key_path = self.folder / "resource_principal_key.pem"
        token_path = self.folder / "resource_principal_rpst"
        key = key_file(key_path)
        claims = {
            "sub": f"ocid1.fnfunc.oc1..emulator{self.tenancy[-12:]}",
            "res_tenant": self.tenancy,
            "res_compartment": self.compartment,
            "ptype": "resource",
        }
        self._keep_current(
            token_path, lambda: self.mint(claims, key.public_key(), self.lifetime(SESSION_TOKEN_LIFETIME))
        )
        return key_path, token_path

    def _keep_current(self, path: Path, mint: Callable[[], str]) -> None:
        """Write a token to ``path`` now and again every quarter of its lifetime, from a daemon thread
        (a client reads the file again before the token it holds expires)."""

        def write() -> float:
            token = mint()
            atomic_write(path, token, mode=0o600)
            exp = float(unverified_claims(token)["exp"])
            return exp - self.emu.now()

        lifetime = write()

        def loop() -> None:
            while True:
                time.sleep(max(lifetime / 4, 0.05))
                if not path.parent.is_dir():  # the data directory is gone: the emulator is too
                    return
                try:
                    write()
                except OSError:
                    return

        threading.Thread(target=loop, name=f"oci-token-{path.name}", daemon=True).start()


# ------------------------------------------------------------------------------------------ routes
METADATA = "/opc/v2"
FEDERATION = "/v1/x509"
SESSION_PROFILES = {
    profile: ("SESSION" if profile == "DEFAULT" else f"{profile}_SESSION") for profile in PROFILES
}
"""The security_token profile written beside each API-key profile of the emulator's config file."""


def _not_authenticated(request: Request, message: str) -> Response:
    info = call_info(request)
    return JSONResponse(
        {"code": "NotAuthenticated", "message": message}, 401, headers={"opc-request-id": info.request_id}
    )


def routes(identity: Identity) -> list[Route]:
    """The metadata service and the federation endpoint (no region prefix: one instance, one CA)."""

    def metadata(value: Callable[[], str]) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            if request.headers.get("authorization") != "Bearer Oracle":
                # IMDSv2 refuses a request without the header (it keeps SSRF from reaching it).
                return PlainTextResponse("Unauthorized", 401)
            call_info(request).account = identity.tenancy
            return PlainTextResponse(value())

        return handle

    def pem(certificate: x509.Certificate) -> str:
        return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    async def federate(request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            info = call_info(request)
            return JSONResponse(
                {"code": "InvalidParameter", "message": "The body is not a JSON object"},
                400,
                headers={"opc-request-id": info.request_id},
            )
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            caller = verify_request(
                method=request.method,
                raw_path=request.scope.get("raw_path") or request.url.path.encode(),
                query_string=request.scope.get("query_string", b""),
                headers=headers,
                body=raw,
                now=identity.emu.now(),
                key_for=identity.federation_key(body),
                required=FEDERATION_SIGNED,
            )
            token = identity.instance_token(caller, body)
        except SignatureError as exc:
            return _not_authenticated(request, f"The federation request is not authenticated: {exc}")
        call_info(request).account = caller.tenancy
        return JSONResponse({"token": token}, headers={"opc-request-id": call_info(request).request_id})

    region = identity.emu.region
    leaf_key = private_pem(identity.leaf_key).decode("ascii")
    return [
        Route(f"{METADATA}/instance/region", metadata(lambda: region_key(region)), name="GetInstanceRegion"),
        Route(f"{METADATA}/instance/canonicalRegionName", metadata(lambda: region), name="GetInstanceRegion"),
        Route(
            f"{METADATA}/identity/cert.pem",
            metadata(lambda: pem(identity.leaf)),
            name="GetInstanceCertificate",
        ),
        Route(f"{METADATA}/identity/key.pem", metadata(lambda: leaf_key), name="GetInstanceCertificateKey"),
        Route(
            f"{METADATA}/identity/intermediate.pem",
            metadata(lambda: pem(identity.intermediate)),
            name="GetInstanceIntermediateCertificate",
        ),
        Route(FEDERATION, federate, methods=["POST"], name="FederateX509"),
    ]


def write_session_profiles(identity: Identity, oci: dict[str, Any], config: Path) -> None:
    """Append a ``security_token`` profile per demo tenancy to the emulator's OCI config file."""
    sections = [config.read_text().rstrip("\n")]
    for profile, session in SESSION_PROFILES.items():
        demo = oci["demo"][profile]
        key_path, token_path = identity.session_files(session, demo["tenancy"], demo["user"])
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        assert isinstance(key, rsa.RSAPrivateKey)
        sections.append(
            "\n".join(
                [
                    f"[{session}]",
                    f"fingerprint={fingerprint(key)}",
                    f"key_file={key_path}",
                    f"tenancy={demo['tenancy']}",
                    f"region={identity.emu.region}",
                    f"security_token_file={token_path}",
                ]
            )
        )
    atomic_write(config, "\n\n".join(sections) + "\n", mode=0o600)


def env(identity: Identity, endpoint: str) -> dict[str, str]:
    """What ``--env-file`` adds: the endpoints, the session profiles and a resource principal whose
    variables carry IMAGEOPS_ names (copy them to ``OCI_RESOURCE_PRINCIPAL_*`` to use them), so that
    they switch no one's default way of signing in."""
    key_path, token_path = identity.resource_files()
    return {
        "IMAGEOPS_OCI_METADATA_BASE_URL": endpoint + METADATA,
        "IMAGEOPS_OCI_FEDERATION_ENDPOINT": endpoint + FEDERATION,
        "IMAGEOPS_OCI_SESSION_PROFILE": SESSION_PROFILES["DEFAULT"],
        "IMAGEOPS_OCI_OTHER_SESSION_PROFILE": SESSION_PROFILES["OTHER"],
        "IMAGEOPS_OCI_RESOURCE_PRINCIPAL_VERSION": "2.2",
        "IMAGEOPS_OCI_RESOURCE_PRINCIPAL_RPST": str(token_path),
        "IMAGEOPS_OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": str(key_path),
        "IMAGEOPS_OCI_RESOURCE_PRINCIPAL_REGION": identity.emu.region,
    }
