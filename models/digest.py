"""Content hashes of files (checkpoints, backbone weights): the one helper everyone uses."""
from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha(path: Path | str, length: int = 16) -> str:
    """The first ``length`` hex digits of the file's SHA-1, read in 1 MiB blocks."""
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:length]
