"""Content-addressed file store under the data directory: a file is named by its SHA-256, written once
(atomically) and never overwritten, so two uploads of the same bytes share one file.

Also the one reading of an upload: `read_upload` (size cap, empty file refused; small files read whole),
`FileStore.put_stream` (evidence: copied to disk in chunks with its cap, never whole in memory), `sniff`
(the type from the first bytes, never from the name or the Content-Type the client claims), `image_size` (a
photo's pixel size, from its header), and `stores` (the two stores under the data directory).
"""

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
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

    def put_stream(
        self, src: BinaryIO, limit: int, name: str, accept: Callable[[int], None] | None = None
    ) -> tuple[str, int]:
        """Store what `src` holds, copied in chunks to a temporary file beside the store while hashing (never
        whole in memory): (SHA-256, size). Past `limit` bytes the copy stops with a 413; an empty file is a
        422; `accept(size)` may refuse (raise) before the file takes its place. Nothing stays on a refusal."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            digest, size = hashlib.sha256(), 0
            with os.fdopen(fd, "wb") as f:
                while chunk := src.read(CHUNK_BYTES):
                    size += len(chunk)
                    if size > limit:
                        raise UploadRejected(
                            413, f"{name}: larger than {limit} bytes", f"berkas lebih besar dari {limit} byte"
                        )
                    digest.update(chunk)
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            if size == 0:
                raise UploadRejected(422, f"{name} is empty", "berkas kosong")
            if accept is not None:
                accept(size)
            sha256 = digest.hexdigest()
            target = self.path(sha256)
            if target.exists():
                Path(tmp).unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, target)  # atomic: readers never see half a file
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256, size

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()


CHUNK_BYTES = 64 * 1024


def _disposition(kind: str, name: str) -> str:
    fallback = re.sub(r'[^\x20-\x7e]|["\\]', "_", name) or "berkas"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def inline_disposition(name: str) -> str:
    """Content-Disposition for a stored file's name: ASCII fallback plus the UTF-8 name (RFC 6266)."""
    return _disposition("inline", name)


def attachment_disposition(name: str) -> str:
    """The same, as a download: the browser saves the file and never opens it in the service's origin."""
    return _disposition("attachment", name)


@dataclass(frozen=True)
class Stores:
    berkas: FileStore  # what people upload: evidence files and the LSP's logo
    dokumen: FileStore  # rendered output documents


def stores(data_dir: Path) -> Stores:
    """The file stores under the data directory, built in this one place."""
    return Stores(berkas=FileStore(data_dir / "berkas"), dokumen=FileStore(data_dir / "dokumen"))


class Upload(Protocol):
    """What `read_upload` needs of an upload (FastAPI's `UploadFile`)."""

    @property
    def filename(self) -> str | None: ...

    @property
    def file(self) -> BinaryIO: ...


class UploadRejected(Exception):
    """An upload refused before anything is stored: `status` 413 (too large), 415 (type) or 422 (empty);
    `detail` in English, `message` in Indonesian (api/errors.py answers both, on the path `file`)."""

    def __init__(self, status: int, detail: str, message: str) -> None:
        super().__init__(detail)
        self.status, self.detail, self.message = status, detail, message


def read_upload(upload: Upload, limit: int, *, allow_empty: bool = False) -> bytes:
    """The upload's bytes, read at most `limit` + 1 of them: 413 past the limit, 422 when empty (unless
    `allow_empty`: a deployment file's emptiness is the deploy lint's to report, with its file name)."""
    content = upload.file.read(limit + 1)
    name = upload.filename or "the file"
    if len(content) > limit:
        raise UploadRejected(413, f"{name}: larger than {limit} bytes", f"berkas lebih besar dari {limit} byte")
    if not content and not allow_empty:
        raise UploadRejected(422, f"{name} is empty", "berkas kosong")
    return content


def peek(upload: Upload, size: int = 2048) -> bytes:
    """The first bytes of an upload (for `sniff`), leaving it at its start; 422 when it is empty."""
    head = upload.file.read(size)
    upload.file.seek(0)
    if not head:
        name = upload.filename or "the file"
        raise UploadRejected(422, f"{name} is empty", "berkas kosong")
    return head


def _svg(content: bytes) -> bool:
    head = content[:512].lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in content[:2048].lower())


# Recognised by their first bytes.
_SIGNATURES: dict[str, Callable[[bytes], bool]] = {
    "application/pdf": lambda c: c.startswith(b"%PDF-"),
    "image/png": lambda c: c.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda c: c.startswith(b"\xff\xd8\xff"),
    "image/svg+xml": _svg,
}
PDF_OR_IMAGE = ("application/pdf", "image/png", "image/jpeg")
IMAGE = ("image/png", "image/jpeg", "image/svg+xml")


def sniff(content: bytes, allowed: Iterable[str]) -> str | None:
    """The content type of `content` among `allowed` (names from `_SIGNATURES`), by its first bytes; None
    when it is none of them."""
    for kind in allowed:
        if _SIGNATURES[kind](content):
            return kind
    return None


def require_type(content: bytes, allowed: Iterable[str], what: str) -> str:
    """`sniff`, or a 415 naming what is accepted."""
    allowed = tuple(allowed)
    kind = sniff(content, allowed)
    if kind is None:
        names = [k.split("/")[1].split("+")[0].upper() for k in allowed]
        listed = ", ".join(names[:-1])
        raise UploadRejected(
            415,
            f"{what}: only {listed} or {names[-1]} files are accepted",
            f"berkas harus berupa {listed} atau {names[-1]}",
        )
    return kind


# EXIF orientations that turn the stored picture a quarter turn: shown, its width and height swap.
_QUARTER_TURNS = {5, 6, 7, 8}
_EXIF_ORIENTATION = 0x0112


def image_size(path: Path) -> tuple[int, int] | None:
    """A PNG's or JPEG's (width, height) in pixels as it is shown (EXIF orientation applied), read from its
    header (the pixels are not decoded); None when Pillow cannot read it as an image."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            if image.format not in ("PNG", "JPEG"):
                return None
            width, height = image.size
            if image.getexif().get(_EXIF_ORIENTATION) in _QUARTER_TURNS:
                width, height = height, width
            return int(width), int(height)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
