"""Settings of one twin process, from the environment, overridable by the CLI."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _flag(name: str) -> bool:
    return (_env(name, "") or "").lower() in ("1", "true", "yes", "on")


@dataclass
class TwinSettings:
    service: str
    port: int
    host: str = "127.0.0.1"
    database_url: str | None = None
    data_dir: Path | None = None
    seed: str | None = None
    journal_size: int = 5000
    max_body_bytes: int = 8 * 1024 * 1024
    # Media a twin streams to its store instead of reading into memory (DTU_<SERVICE>_MAX_UPLOAD_BYTES).
    max_upload_bytes: int = 5 * 1024**3
    public_url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # HTTPS (services/core/tls.py): on with `dtu up --tls` / DTU_TLS=1, or implied by a user's cert + key.
    tls: bool = False
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # The web UIs' one-click development sign-in (`dtu up --dev-sign-in` / DTU_DEV_SIGN_IN=1): every
    # sign-in page lists the tenant's people to enter as, beside the vendor's own way of signing in.
    dev_sign_in: bool = False

    @classmethod
    def from_env(cls, service: str, default_port: int, **overrides: object) -> TwinSettings:
        prefix = f"DTU_{service.upper()}_"
        data_dir = _env("DTU_DATA_DIR")
        tls_cert, tls_key = _env("DTU_TLS_CERT"), _env("DTU_TLS_KEY")
        settings = cls(
            service=service,
            port=int(_env(prefix + "PORT", str(default_port)) or default_port),
            host=_env(prefix + "HOST", _env("DTU_HOST", "127.0.0.1")) or "127.0.0.1",
            database_url=_env("DTU_DATABASE_URL"),
            data_dir=Path(data_dir) if data_dir else None,
            seed=_env("DTU_SEED"),
            journal_size=int(_env("DTU_JOURNAL_SIZE", "5000") or 5000),
            max_upload_bytes=int(_env(prefix + "MAX_UPLOAD_BYTES", str(5 * 1024**3)) or 5 * 1024**3),
            public_url=_env(prefix + "PUBLIC_URL"),
            tls=_flag("DTU_TLS") or bool(tls_cert and tls_key),
            tls_cert=Path(tls_cert) if tls_cert else None,
            tls_key=Path(tls_key) if tls_key else None,
            dev_sign_in=_flag("DTU_DEV_SIGN_IN"),
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(settings, key, value)
        return settings

    @property
    def base_url(self) -> str:
        """The URL clients use to reach this twin (no trailing slash)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host}:{self.port}"

    def resolved_database_url(self) -> str:
        """An explicit URL wins; else a SQLite file under the data dir; else in-memory SQLite."""
        if self.database_url:
            url = self.database_url
            # Accept the plain libpq-style scheme and use psycopg 3.
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            return f"sqlite:///{self.data_dir / (self.service + '.db')}"
        return "sqlite://"
