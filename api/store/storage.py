"""Content-addressed file store under the data directory: a file is named by its SHA-256, written once
(atomically) and never overwritten, so two uploads of the same bytes share one file."""

import hashlib
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import quote

SHA256 = re.compile(r"[0-9a-f]{64}")


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        # Only a SHA-256 names a file here: a name from data (e.g. a corrected document's logo) is never a path.
        if not SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        sha256 = hashlib.sha256(content).hexdigest()
        target = self.path(sha256)
        if target.exists():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(content)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)  # atomic: readers never see half a file
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()


def inline_disposition(name: str) -> str:
    """Content-Disposition for a stored file's name: ASCII fallback plus the UTF-8 name (RFC 6266)."""
    fallback = re.sub(r'[^\x20-\x7e]|["\\]', "_", name) or "berkas"
    return f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
