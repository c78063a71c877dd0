"""Service settings, read from ``UJIKOM_*`` environment variables."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="UJIKOM_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""
    secret_key: str = "dev-only-secret-change-me-in-production-0123456789"
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

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'ujikom.sqlite3'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
