"""Service settings, read from ``UJIKOM_*`` environment variables."""

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="UJIKOM_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""
    # Signs the JWTs. No usable default: `serve` and `worker` refuse to start without one (api/secrets.py).
    secret_key: str = ""
    token_minutes: int = 8 * 60
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms"
    # Run the timer/child-completion worker inside `serve`.
    embedded_worker: bool = True
    worker_poll_seconds: float = 1.0
    # Format of every issued document number; fields: seq, kode, bulan_romawi, bulan, tahun.
    nomor_format: str = "{seq:03d}/LSP-STMI/{kode}/{bulan_romawi}/{tahun}"
    # Where the public reaches this service: a certificate's QR code opens {public_base_url}/verify/{code}.
    public_base_url: str = "http://127.0.0.1:8000"
    # Processes rendering documents to PDF (WeasyPrint is CPU-bound); 0 renders in the renderer thread itself.
    render_processes: int = 2
    # Documents read from the render queue per round trip.
    render_batch: int = 64
    # Evidence files candidates upload with FR.APL.01 (PDF, PNG or JPEG).
    max_upload_bytes: int = 5 * 1024 * 1024
    # A user's unfinished answers to one task (PUT /api/tasks/{id}/draft), as compact UTF-8 JSON; 413 past it.
    max_draft_bytes: int = 256 * 1024
    # Scripts and costly expressions of the BPMN run in this many evaluator processes (api/engine/evaluator.py),
    # each with a hard CPU-time limit per script and a memory limit, killed past a wall-clock deadline.
    script_processes: int = 2
    script_cpu_seconds: int = 2
    script_memory_mb: int = 256
    # Wall-clock time all the scripts of one request (or one worker act) may take together: the longest a
    # runaway script can hold the database's write lock (SQLite waits 30 s for it).
    script_wall_seconds: float = 10.0
    # The largest serialized state (process_instance.state) an instance may have; a bigger one is refused.
    max_state_bytes: int = 64 * 1024 * 1024
    # The most tasks one engine pass may complete (a cycle of scripts with no wait state ends here).
    max_engine_steps: int = 50_000

    # --- hardening (issue 13: secrets, login, request limits, durability) ---
    # Largest request body of any route but the multipart uploads (413 past it, counted as it streams).
    max_body_bytes: int = 1024 * 1024
    # Largest body of a deployment (several .bpmn and form files, each at most 5 MB). An upload of one file
    # (evidence, the logo, a spreadsheet) may send max_upload_bytes plus 64 KiB of multipart framing.
    max_deployment_body_bytes: int = 16 * 1024 * 1024
    # Evidence a candidate may keep per period (root instance): bytes and files.
    berkas_quota_bytes: int = 50 * 1024 * 1024
    berkas_quota_files: int = 30
    # Login: failures tolerated per account and per client before backoff, the first wait (doubling per
    # further failure, capped), and how many password hashes may run at once (the rest answer 429 at once).
    login_free_failures: int = 5
    login_client_free_failures: int = 30  # a campus behind one NAT address shares this budget
    login_backoff_seconds: float = 1.0
    login_backoff_max_seconds: float = 900.0
    login_concurrency: int = 4
    # SQLite's PRAGMA synchronous: FULL syncs the write-ahead log on every commit, so an acknowledged letter
    # number survives a power loss; NORMAL may lose the last commits on power loss (never on a process crash).
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"

    # --- notifications (issue 14): in-app always; e-mail only when an SMTP host is set ---
    # The SMTP server the worker sends notifications through (empty: in-app only, nothing else needed).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_from: str = "LSP <noreply@localhost>"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 30.0
    # The staff's daily digest (new, due tomorrow, overdue tasks) is made from this hour, WIB.
    ringkasan_jam: int = 7

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'ujikom.sqlite3'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()


# Published in this repository's history and docs: never a real secret.
PUBLISHED_SECRETS = frozenset(
    {"dev-only-secret-change-me-in-production-0123456789", "test-secret-key-that-is-long-enough-for-hs256"}
)
SECRET_MIN_CHARS = 43  # secrets.token_urlsafe(32): 32 random bytes as 43 base64url characters
SECRET_MIN_DISTINCT = 12
GENERATE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


def public_url_problem(settings: Settings) -> str | None:
    """Why `settings.public_base_url` cannot go on a certificate in production, or None: every certificate prints
    a QR code opening {public_base_url}/verify/{code}, which must reach this service from outside (not this
    machine's own loopback address, which the default is)."""
    if settings.env != "production":
        return None
    parsed = urlparse(settings.public_base_url)
    host = (parsed.hostname or "").lower()
    if parsed.scheme not in ("http", "https") or not host:
        return f"UJIKOM_PUBLIC_BASE_URL {settings.public_base_url!r} is not an http(s) address"
    if host == "localhost" or host.endswith(".localhost") or host.startswith("127.") or host in ("::1", "0.0.0.0"):
        return (
            f"UJIKOM_PUBLIC_BASE_URL is {settings.public_base_url}: a certificate's QR code and verification address "
            "would point at this machine itself, which no one who holds the certificate can open"
        )
    return None


def secret_key_problem(settings: Settings) -> str | None:
    """Why `settings.secret_key` cannot sign tokens, or None when it can.

    Outside `test` the key must be explicit and look like at least 32 random bytes: 43 characters or more
    (32 bytes in base64url; hex needs 64), at least 12 distinct characters, none making up more than a
    quarter of it, and not a value published with this project. A heuristic: it refuses the obvious
    (empty, short, one repeated character, a word padded out), it cannot prove randomness."""
    key = settings.secret_key
    if settings.env == "test":
        return None if key else "UJIKOM_SECRET_KEY is empty"
    if not key:
        return "UJIKOM_SECRET_KEY is not set"
    if key in PUBLISHED_SECRETS or key.startswith("dev-only-secret"):
        return "UJIKOM_SECRET_KEY is a value published with ujikom"
    if len(key) < SECRET_MIN_CHARS:
        return f"UJIKOM_SECRET_KEY has {len(key)} characters; at least {SECRET_MIN_CHARS} are needed"
    if len(set(key)) < SECRET_MIN_DISTINCT or max(key.count(c) for c in set(key)) * 4 > len(key):
        return "UJIKOM_SECRET_KEY does not look random (too few distinct characters)"
    return None
