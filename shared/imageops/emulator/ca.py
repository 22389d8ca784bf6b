"""The proxy mode's certificate authority: one CA made on first use, and a certificate per host.

Tools that call the clouds' real hostnames over TLS trust the emulator when its CA is in their bundle
(``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE``): the proxy then presents, for ``iaas.us-ashburn-1.
oraclecloud.com`` say, a certificate for that name signed by this CA. The CA lives in the emulator's
data directory (so a restarted emulator keeps it), is valid for a year and signs nothing but leaf
certificates (``BasicConstraints(ca=True, path_length=0)``).
"""

from __future__ import annotations

import datetime
import ssl
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from imageops.emulator.core import atomic_write

__all__ = ["CertificateAuthority"]

_CA_CERT = "proxy-ca.pem"
_CA_KEY = "proxy-ca-key.pem"
_BUNDLE = "proxy-ca-bundle.pem"
_VALIDITY = datetime.timedelta(days=365)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "imageops emulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


class CertificateAuthority:
    """The CA of one emulator data directory; :meth:`context_for` gives a server TLS context per host."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._key, self._cert = self._load_or_create()
        # One key for every leaf: hosts are few and the key never leaves the process.
        self._leaf_key = ec.generate_private_key(ec.SECP256R1())

    @property
    def cert_file(self) -> Path:
        """The CA certificate alone (PEM)."""
        return self.directory / _CA_CERT

    @property
    def bundle_file(self) -> Path:
        """The CA followed by the system's trusted CAs, for tools that take one bundle for everything."""
        return self.directory / _BUNDLE

    def _load_or_create(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        cert_path, key_path = self.directory / _CA_CERT, self.directory / _CA_KEY
        if cert_path.is_file() and key_path.is_file():
            key = serialization.load_pem_private_key(key_path.read_bytes(), None)
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            if (
                isinstance(key, ec.EllipticCurvePrivateKey)
                and cert.not_valid_after_utc > _now() + _VALIDITY / 12
            ):
                return key, cert
        key = ec.generate_private_key(ec.SECP256R1())
        name = _name("imageops emulator proxy CA")
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_now() - datetime.timedelta(minutes=5))
            .not_valid_after(_now() + _VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        atomic_write(key_path, key_pem, mode=0o600)
        atomic_write(cert_path, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
        return key, cert

    def write_bundle(self) -> Path:
        """Write :attr:`bundle_file`: this CA, then the CAs Python trusts by default (certifi's)."""
        ours = self._cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
        try:
            import certifi

            system = Path(certifi.where()).read_text(encoding="ascii", errors="replace")
        except (ImportError, OSError):
            system = ""
        atomic_write(self.bundle_file, ours + "\n" + system, mode=0o644)
        return self.bundle_file

    def leaf(self, host: str) -> x509.Certificate:
        """A server certificate for ``host`` signed by this CA."""
        return (
            x509.CertificateBuilder()
            .subject_name(_name(host))
            .issuer_name(self._cert.subject)
            .public_key(self._leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_now() - datetime.timedelta(minutes=5))
            .not_valid_after(min(_now() + datetime.timedelta(days=30), self._cert.not_valid_after_utc))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()), critical=False
            )
            .sign(self._key, hashes.SHA256())
        )

    def context_for(self, host: str) -> ssl.SSLContext:
        """A server-side TLS context presenting :meth:`leaf` ``(host)`` and the CA, made once per host."""
        with self._lock:
            context = self._contexts.get(host)
            if context is None:
                context = self._make_context(host)
                self._contexts[host] = context
            return context

    def _make_context(self, host: str) -> ssl.SSLContext:
        chain = self.leaf(host).public_bytes(serialization.Encoding.PEM) + self._cert.public_bytes(
            serialization.Encoding.PEM
        )
        key = self._leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # ssl loads certificates from files only: write them next to the CA, owner-readable.
        safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in host)
        chain_path, key_path = self.directory / f"leaf-{safe}.pem", self.directory / f"leaf-{safe}-key.pem"
        atomic_write(chain_path, chain, mode=0o600)
        atomic_write(key_path, key, mode=0o600)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(chain_path, key_path)
        return context


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
