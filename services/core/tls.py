"""HTTPS for the twins: a local certificate authority, a server certificate, trust instructions.

Some official SDKs refuse plain http (the okta SDK does unless its testing flag is set), so
`dtu up --tls` (or `DTU_TLS=1`) serves every twin over HTTPS. The certificate comes from:

- `DTU_TLS_CERT` + `DTU_TLS_KEY`: PEM files the user supplies (their own CA, mkcert, ...);
- otherwise a local CA that DTU generates once and keeps (so it is trusted once): under
  `DTU_TLS_DIR`, else `<data dir>/tls`, else `$XDG_DATA_HOME/dtu/tls` (`~/.local/share/dtu/tls`).
  It signs a server certificate for `localhost`, `127.0.0.1`, `::1` and the bound host,
  re-issued when it nears expiry or lacks a host. `ca-bundle.pem` is the public CAs
  (certifi's, or the system's) plus the local CA: pointing `SSL_CERT_FILE` /
  `REQUESTS_CA_BUNDLE` at it trusts the twins without distrusting the rest of the internet.

Keys are ECDSA P-256 (generated in milliseconds) and written with mode 0600.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import socket
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from services.core.settings import TwinSettings

CA_CERT, CA_KEY = "ca.pem", "ca-key.pem"
SERVER_CERT, SERVER_KEY = "cert.pem", "key.pem"
BUNDLE = "ca-bundle.pem"
CA_DAYS = 3650
SERVER_DAYS = 397  # the longest validity browsers accept for a server certificate
RENEW_BEFORE = datetime.timedelta(days=30)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class TlsFiles:
    """What uvicorn serves (cert, key) and what clients trust (ca, bundle: None for user-supplied certs)."""

    cert: Path
    key: Path
    ca: Path | None = None
    bundle: Path | None = None

    def client_context(self) -> ssl.SSLContext:
        """An SSL context trusting the twins' certificate (plus the default CAs)."""
        context = ssl.create_default_context()
        if self.ca is not None:
            context.load_verify_locations(cafile=str(self.ca))
        return context

    def trust_instructions(self) -> list[str]:
        if self.ca is None:
            return [f"TLS with your certificate {self.cert}: clients must trust the CA that issued it."]
        bundle = self.bundle or self.ca
        return [
            f"TLS: certificate signed by the DTU local CA {self.ca}",
            "Trust it (once per shell) so SDKs accept the twins' https URLs:",
            f"  export SSL_CERT_FILE={bundle}        # OpenSSL, aiohttp (okta SDK), httpx",
            f"  export REQUESTS_CA_BUNDLE={bundle}   # requests (jira, google-auth)",
            f'  or in code: ssl.create_default_context(cafile="{self.ca}")  (okta: Client({{..., "sslContext": ctx}}))',
        ]


def default_dir(data_dir: Path | None = None) -> Path:
    explicit = os.environ.get("DTU_TLS_DIR")
    if explicit:
        return Path(explicit)
    if data_dir is not None:
        return data_dir / "tls"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dtu" / "tls"


def hosts_for(bind_host: str) -> list[str]:
    """Names the server certificate must cover: the local ones plus the bound host."""
    hosts = list(LOCAL_HOSTS)
    if bind_host in ("0.0.0.0", "::"):
        hosts.append(socket.gethostname())
    elif bind_host not in hosts:
        hosts.append(bind_host)
    return hosts


def ensure_local_ca(directory: Path, hosts: list[str] | tuple[str, ...] = LOCAL_HOSTS) -> TlsFiles:
    """The local CA (created once) and a current server certificate for `hosts` signed by it."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = _load_or_create_ca(directory)
    files = TlsFiles(directory / SERVER_CERT, directory / SERVER_KEY, directory / CA_CERT, directory / BUNDLE)
    if not _server_cert_current(files.cert, ca_cert, hosts):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _server_cert(key, ca_key, ca_cert, hosts)
        _write(files.key, _key_pem(key), private=True)
        _write(files.cert, cert.public_bytes(serialization.Encoding.PEM))
    if not (directory / BUNDLE).exists():
        _write(directory / BUNDLE, _public_roots() + (directory / CA_CERT).read_bytes())
    return files


def files_for(settings: TwinSettings) -> TlsFiles | None:
    """The certificate a twin serves with these settings; None when it serves plain http."""
    if not settings.tls:
        return None
    if settings.tls_cert or settings.tls_key:
        if not (settings.tls_cert and settings.tls_key):
            raise ValueError("DTU_TLS_CERT and DTU_TLS_KEY go together: set both, or neither for the local CA")
        return user_files(settings.tls_cert, settings.tls_key)
    return ensure_local_ca(default_dir(settings.data_dir), hosts_for(settings.host))


def user_files(cert: Path, key: Path) -> TlsFiles:
    for path in (cert, key):
        if not path.is_file():
            raise FileNotFoundError(f"TLS file not found: {path}")
    return TlsFiles(cert, key)


def _now() -> datetime.datetime:
    # Certificates are about the real world's time, not a tenant's controllable clock.
    return datetime.datetime.now(datetime.UTC)


def _load_or_create_ca(directory: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key_path, cert_path = directory / CA_KEY, directory / CA_CERT
    if key_path.exists() and cert_path.exists():
        loaded = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if isinstance(loaded, ec.EllipticCurvePrivateKey) and cert.not_valid_after_utc - RENEW_BEFORE > _now():
            return loaded, cert
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "DTU (Digital Twin Universe)"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"DTU local CA ({socket.gethostname()})"),
        ]
    )
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - datetime.timedelta(minutes=5))
        .not_valid_after(_now() + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(key_path, _key_pem(key), private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    # A new CA invalidates the old server certificate and bundle.
    for stale in (SERVER_CERT, SERVER_KEY, BUNDLE):
        (directory / stale).unlink(missing_ok=True)
    return key, cert


def _san(hosts: list[str] | tuple[str, ...]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _server_cert(
    key: ec.EllipticCurvePrivateKey,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    hosts: list[str] | tuple[str, ...],
) -> x509.Certificate:
    public = key.public_key()
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "DTU twins")]))
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - datetime.timedelta(minutes=5))
        .not_valid_after(min(_now() + datetime.timedelta(days=SERVER_DAYS), ca_cert.not_valid_after_utc))
        .add_extension(x509.SubjectAlternativeName(_san(hosts)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def _server_cert_current(path: Path, ca_cert: x509.Certificate, hosts: list[str] | tuple[str, ...]) -> bool:
    if not path.exists() or not path.with_name(SERVER_KEY).exists():
        return False
    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
        covered = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return False
    return (
        cert.issuer == ca_cert.subject
        and cert.not_valid_after_utc - RENEW_BEFORE > _now()
        and all(name in list(covered) for name in _san(hosts))
    )


def _public_roots() -> bytes:
    """The CAs clients trust by default, so a bundle with the local CA added replaces them safely."""
    try:
        import certifi

        return Path(certifi.where()).read_bytes().rstrip(b"\n") + b"\n"
    except ImportError:
        cafile = ssl.get_default_verify_paths().cafile
        return Path(cafile).read_bytes().rstrip(b"\n") + b"\n" if cafile and Path(cafile).exists() else b""


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes, private: bool = False) -> None:
    """Atomically (concurrent `dtu up` runs may race), private keys readable by the owner only."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
