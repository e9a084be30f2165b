"""Write-once archive of printed PDFs: an invoice on disk is never replaced or half-written."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

ARCHIVE_KINDS: frozenset[str] = frozenset({"invoice", "receipt", "credit-note", "credit-note-receipt"})

# Invoice numbers become file names: keep them to characters every file system accepts.
_SAFE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class ArchiveExistsError(FileExistsError):
    """The archive already holds this document; printed documents are never overwritten."""


def archive_name(invoice_number: str, kind: str, copy_number: int = 0) -> str:
    """'<invoice>-<kind>.pdf' for the original, '<invoice>-<kind>-copy-N.pdf' for the Nth reprint."""
    if not isinstance(invoice_number, str) or not _SAFE_NUMBER.match(invoice_number) or ".." in invoice_number:
        raise ValueError(
            f"invoice_number {invoice_number!r} cannot be a file name: use letters, digits, '.', '_' "
            f"or '-' (at most 100)"
        )
    if kind not in ARCHIVE_KINDS:
        raise ValueError(f"kind must be one of {sorted(ARCHIVE_KINDS)}, got {kind!r}")
    if isinstance(copy_number, bool) or not isinstance(copy_number, int) or copy_number < 0:
        raise ValueError(f"copy_number must be 0 (original) or a positive whole number, got {copy_number!r}")
    suffix = f"-copy-{copy_number}" if copy_number else ""
    return f"{invoice_number}-{kind}{suffix}.pdf"


def _fsync_directory(directory: Path) -> None:
    # Makes the new directory entry itself durable; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def archive_pdf(
    directory: os.PathLike[str] | str, invoice_number: str, kind: str, copy_number: int, pdf_bytes: bytes
) -> Path:
    """Store `pdf_bytes` as `<directory>/<invoice>-<kind>[-copy-N].pdf` and return its path.

    The bytes go to a temporary file in the same directory, are fsynced, and are then hard-linked
    to the final name: the link fails if the name exists, so an archived document is never
    overwritten (`ArchiveExistsError`), and a crash leaves either the whole file or none.
    """
    if not isinstance(pdf_bytes, (bytes, bytearray, memoryview)):
        raise TypeError(f"pdf_bytes must be bytes, got {type(pdf_bytes).__name__}")
    if not bytes(pdf_bytes[:5]) == b"%PDF-":
        raise ValueError("pdf_bytes does not look like a PDF (no %PDF- header)")
    folder = Path(directory)
    target = folder / archive_name(invoice_number, kind, copy_number)
    folder.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise ArchiveExistsError(
            errno.EEXIST, f"Archive already holds {target.name}; it is never overwritten", str(target)
        )

    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pdf_bytes)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # os.link, unlike os.replace, refuses an existing target: this is the no-overwrite
            # guarantee even when two tills archive the same number at the same moment.
            os.link(temp, target)
        except FileExistsError:
            raise ArchiveExistsError(
                errno.EEXIST, f"Archive already holds {target.name}; it is never overwritten", str(target)
            ) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            # Some shares and FAT drives have no hard links: fall back to an exclusive create,
            # which still never overwrites (but a crash mid-write can leave a short file).
            _write_exclusive(target, pdf_bytes)
        _fsync_directory(folder)
    finally:
        temp.unlink(missing_ok=True)
    return target


def _write_exclusive(target: Path, pdf_bytes: bytes) -> None:
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:
        raise ArchiveExistsError(
            errno.EEXIST, f"Archive already holds {target.name}; it is never overwritten", str(target)
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pdf_bytes)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise


__all__ = ["ARCHIVE_KINDS", "ArchiveExistsError", "archive_name", "archive_pdf"]
