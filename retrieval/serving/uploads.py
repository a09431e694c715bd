"""Shoppers' photos for image search: checked, shrunk, deduplicated and kept within bounds.

An upload is refused when it is not a JPEG, PNG or WebP image (415) or has more than
``max_pixels`` pixels (413, read from the header before anything is decoded). An accepted
photo is decoded at reduced scale where the format allows it (JPEG), turned upright (EXIF),
put on white where it is transparent, shrunk to fit ``side`` x ``side`` pixels and stored as a
PNG: what the model needs (it reads 128x96), not the original's pixels, and without a second
lossy compression (a re-encoded JPEG of a small catalogue photo drifts enough to lose its own
product from the first page). Its id is a hash of that stored copy, so the same photo uploaded
twice is stored once.

The folder is bounded: after each upload, copies older than ``max_age_s`` are removed, then the
least recently used ones until the folder holds at most ``max_total_bytes``. A search by a
removed id is answered "upload the photo again". Decoding runs off the event loop, in the
bounded pool of ``decoding.py``; a photo is turned and shrunk before anything else, so it is
held at full size once.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG", "PNG", "WEBP"}
ID_PATTERN = re.compile(r"[0-9a-f]{32}")


class UploadRejected(ValueError):
    """An upload that is refused; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


class UnknownUpload(KeyError):
    """An image id that is malformed or no longer stored."""


@dataclass
class UploadStore:
    folder: Path
    max_pixels: int = 25_000_000  # refused above (e.g. 5000 x 5000)
    side: int = 384  # stored copies fit in side x side
    max_total_bytes: int = 200_000_000  # the folder's bound
    max_age_s: float = 7 * 24 * 3600  # copies unused for longer are removed

    def save(self, data: bytes) -> dict:
        """Store one upload; ``{"image_id", "width", "height"}`` of the original. Raises
        UploadRejected. Call it off the event loop (it decodes the image)."""
        if not data:
            raise UploadRejected(415, "the upload is empty, expected a JPEG, PNG or WebP photo")
        image, (width, height) = self._decode(data)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False, compress_level=6)
        stored = buffer.getvalue()
        image_id = hashlib.sha256(stored).hexdigest()[:32]
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{image_id}.png"
        if path.exists():
            os.utime(path)
        else:
            tmp = self.folder / f".{image_id}.{os.getpid()}.tmp"
            tmp.write_bytes(stored)
            os.replace(tmp, path)
        self.prune(keep=path)
        return {"image_id": image_id, "width": width, "height": height}

    def _decode(self, data: bytes) -> tuple[Image.Image, tuple[int, int]]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image = Image.open(io.BytesIO(data))
                if image.format not in FORMATS:
                    raise UploadRejected(415, f"a {image.format or 'unknown'} image is not accepted: send a JPEG, "
                                              "PNG or WebP photo")
                width, height = image.size
                if width * height > self.max_pixels:
                    raise UploadRejected(413, f"the image has {width}x{height} pixels; at most {self.max_pixels:,} "
                                              "pixels are accepted (a phone photo is fine)")
                image.draft("RGB", (self.side * 2, self.side * 2))  # JPEG: decode at 1/2 .. 1/8 scale
                if image.mode == "P":  # palette images resize only by nearest neighbour
                    image = image.convert("RGBA" if "transparency" in image.info else "RGB")
                # one full-size copy of the pixels at most: turned and shrunk in place, then put on white
                ImageOps.exif_transpose(image, in_place=True)
                image.thumbnail((self.side, self.side), Image.LANCZOS)
                image = _on_white(image)
        except UploadRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadRejected(413, "the image was refused as a decompression bomb (too many pixels)") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise UploadRejected(415, "the upload is not a readable image (JPEG, PNG or WebP)") from None
        return image, (width, height)

    def path(self, image_id: str) -> Path:
        """The stored copy of an upload (its last use is refreshed); UnknownUpload otherwise."""
        if not isinstance(image_id, str) or not ID_PATTERN.fullmatch(image_id):
            raise UnknownUpload(f"invalid image_id {str(image_id)[:40]!r}")
        path = self.folder / f"{image_id}.png"
        if not path.exists():
            raise UnknownUpload(f"unknown image_id {image_id!r}: upload the photo again (POST /images)")
        os.utime(path)
        return path

    def prune(self, keep: Path | None = None) -> int:
        """Remove copies older than ``max_age_s``, then the least recently used ones until the
        folder is within ``max_total_bytes``; returns how many were removed."""
        now = time.time()
        entries = []
        for entry in os.scandir(self.folder) if self.folder.exists() else []:
            if entry.is_file() and entry.name.endswith(".png"):
                stat = entry.stat()
                entries.append((stat.st_mtime, stat.st_size, Path(entry.path)))
        entries.sort()
        removed = 0
        total = sum(size for _, size, _ in entries)
        for mtime, size, path in entries:
            if path == keep:
                continue
            if now - mtime > self.max_age_s or total > self.max_total_bytes:
                path.unlink(missing_ok=True)
                total -= size
                removed += 1
        return removed


def _on_white(image: Image.Image) -> Image.Image:
    """RGB, with transparent parts on white (catalogue photos are on white)."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "RGBa", "La") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")
