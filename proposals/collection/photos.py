"""Validate photos attached to proposals by their real bytes and store them outside the web root."""

from __future__ import annotations

import io
import os
import re
import secrets
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps
from sqlalchemy import delete, select

__all__ = [
    "ALLOWED",
    "DatabaseStore",
    "FileStore",
    "MAX_PHOTOS_PER_PROPOSAL",
    "MAX_PHOTO_BYTES",
    "MAX_PHOTO_PIXELS",
    "PhotoRejected",
    "StoredPhoto",
    "delete_photo",
    "photo_path",
    "prepare_photo",
    "sanitise_name",
    "serving_headers",
    "sniff_type",
    "store_photo",
]

MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Enforced by the caller, which knows how many photos a proposal already has.
MAX_PHOTOS_PER_PROPOSAL = 4
ALLOWED = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
MAX_NAME_CHARS = 120
# A 5 MB file can declare a picture of billions of pixels (a decompression bomb); decoding
# it would take gigabytes. 50 megapixels keeps every phone camera's photos (48 MP is
# 8000 x 6000) and bounds one decode to about 200 MB.
MAX_PHOTO_PIXELS = 50_000_000

_ALLOWED_LABEL = "JPEG, PNG, WebP"
_CHUNK = 64 * 1024
# Enough for any signature below, and for an SVG that opens with an XML prolog
# or a comment before its <svg> tag.
_SNIFF_BYTES = 1024
# What Pillow calls each allowed type; only that decoder may read the bytes.
_PIL_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# Modes each encoder writes as they are; anything else is converted first.
_SAVABLE_MODES = {
    # CMYK JPEGs (often Adobe-inverted) are shown badly by browsers; they become RGB.
    "image/jpeg": {"L", "RGB"},
    "image/png": {"1", "L", "LA", "I;16", "I;16B", "P", "RGB", "RGBA"},
    "image/webp": {"RGB", "RGBA"},
}
# Same alphabet as secrets.token_urlsafe, so a key can never hold "/", "\" or
# "..", and never starts with "." (no hidden files, no traversal).
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(jpg|png|webp)$")
# Markup that browsers would render (and run script in) if ever served as
# text/html or image/svg+xml; recognised only so it can be refused by name.
_HTML_TAGS = (
    b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<div",
    b"<p", b"<a ", b"<img", b"<style", b"<title", b"<table", b"<br", b"<h1", b"<font",
    b"<!--",
)


class PhotoRejected(Exception):
    """An upload we refuse; `code` names the reason, `params` fill in the user's message."""

    def __init__(self, code: str, params: dict[str, object] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params = params or {}


@dataclass(frozen=True)
class StoredPhoto:
    key: str
    content_type: str
    size: int
    original_name: str = ""
    data: bytes = field(default=b"", repr=False, compare=False)  # the re-encoded bytes


def sniff_type(head: bytes) -> str | None:
    """The type the bytes really are: one of ALLOWED, a known-but-refused type, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    # Markup may hide behind a BOM or whitespace; browsers skip both when sniffing.
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\x0c").lower()
    if text.startswith(b"<svg") or (text.startswith((b"<?xml", b"<!--")) and b"<svg" in text):
        return "image/svg+xml"
    if text.startswith(_HTML_TAGS):
        return "text/html"
    return None


def sanitise_name(name: str) -> str:
    """The client's filename for display only: basename, no control characters, capped."""
    name = unicodedata.normalize("NFC", name)
    # Clients send Windows paths too, so both separators count.
    name = re.split(r"[/\\]", name)[-1]
    # Cc covers NUL and newlines; Cf covers bidi overrides that disguise extensions.
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf")).strip()
    if name in (".", ".."):
        return ""
    if len(name) > MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME_CHARS - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_NAME_CHARS].rstrip()
    return name


def _read_capped(stream: BinaryIO) -> bytes:
    # One byte past the limit is enough to know the upload is too large, so a
    # hostile client can't make us buffer more than MAX_PHOTO_BYTES + 1.
    buf = bytearray()
    limit = MAX_PHOTO_BYTES + 1
    while len(buf) < limit:
        chunk = stream.read(min(_CHUNK, limit - len(buf)))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def _decode(data: bytes, content_type: str) -> Image.Image:
    """The picture the bytes hold, upright, fully decoded; PhotoRejected if they hold none."""
    with warnings.catch_warnings():
        # Pillow only warns up to twice its own limit; any bomb it notices is refused.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[content_type]]) as source:
                width, height = source.size
                # Checked on the header, before a single pixel is decoded.
                if width * height > MAX_PHOTO_PIXELS:
                    raise PhotoRejected("too_many_pixels",
                                        {"max_megapixels": MAX_PHOTO_PIXELS // 1_000_000})
                source.load()
                # Cameras store the picture sideways and say so in EXIF; the EXIF is about
                # to go, so its orientation is applied to the pixels first.
                return ImageOps.exif_transpose(source)
        except PhotoRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoRejected(
                "too_many_pixels", {"max_megapixels": MAX_PHOTO_PIXELS // 1_000_000}) from None
        except Exception:
            # Hostile or broken bytes make decoders raise OSError, SyntaxError, ValueError,
            # struct.error and more; whichever it is, the file is not a photo we can show.
            raise PhotoRejected("not_an_image", {"allowed": _ALLOWED_LABEL}) from None


def _encode(picture: Image.Image, content_type: str, data: bytes) -> bytes:
    """A fresh file of the same type holding only the pixels: no EXIF (GPS), XMP, ICC
    profile, comments or text chunks from the upload."""
    if picture.mode not in _SAVABLE_MODES[content_type]:
        has_alpha = "A" in picture.getbands() or "transparency" in picture.info
        alpha = has_alpha and content_type != "image/jpeg"
        picture = picture.convert("RGBA" if alpha else "RGB")
    # Encoders fall back on the image's own info for some metadata (PNG reads its ICC
    # profile from there), so only the palette's transparency, which is pixels, survives.
    kept = {k: v for k, v in picture.info.items() if k == "transparency"}
    picture.info = kept
    out = io.BytesIO()
    if content_type == "image/jpeg":
        picture.save(out, "JPEG", quality=90)
    elif content_type == "image/png":
        picture.save(out, "PNG", **kept)
    else:
        # A lossless WebP (drawings, screenshots) stays lossless.
        picture.save(out, "WEBP", lossless=_webp_bitstream(data) == b"VP8L", quality=90)
    return out.getvalue()


def _webp_bitstream(data: bytes) -> bytes | None:
    """The kind of a WebP's image chunk: b"VP8L" (lossless) or b"VP8 " (lossy).

    It is the first chunk of a simple file, but comes after VP8X, ICCP, ANIM… in an
    extended one, so the RIFF chunks are walked.
    """
    offset = 12
    while offset + 8 <= len(data):
        kind, size = data[offset:offset + 4], int.from_bytes(data[offset + 4:offset + 8], "little")
        if kind in (b"VP8 ", b"VP8L"):
            return kind
        if kind == b"ANMF":  # an animation frame holds its bitstream inside
            offset += 8 + 16
            continue
        offset += 8 + size + (size & 1)
    return None


def store_photo(stream: BinaryIO, original_name: str, directory: Path) -> StoredPhoto:
    """Check the upload, decode it and write a fresh encoding of its pixels (metadata
    stripped) under a fresh random key; PhotoRejected leaves no file."""
    photo = prepare_photo(stream, original_name)
    FileStore(directory).put(photo.key, photo.data)
    return photo


def prepare_photo(stream: BinaryIO, original_name: str) -> StoredPhoto:
    """Check the upload and re-encode its pixels (metadata stripped) under a fresh random
    key, in memory; where it is kept is the store's business (FileStore, DatabaseStore)."""
    data = _read_capped(stream)
    if not data:
        raise PhotoRejected("empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejected("too_large", {"max_mb": MAX_PHOTO_BYTES // (1024 * 1024)})
    # The filename and the client's Content-Type are attacker-chosen; only the
    # bytes decide what we store and what Content-Type we later serve.
    content_type = sniff_type(data[:_SNIFF_BYTES])
    if content_type is None:
        raise PhotoRejected("not_an_image", {"allowed": _ALLOWED_LABEL})
    if content_type not in ALLOWED:
        raise PhotoRejected("type_not_allowed", {"type": content_type, "allowed": _ALLOWED_LABEL})
    # Decoding proves the bytes are a picture of that type; what is stored and served is
    # a re-encoding, so nothing the upload carried besides its pixels reaches the public.
    data = _encode(_decode(data, content_type), content_type, data)
    # 18 random bytes: unguessable, so knowing one photo's URL reveals no other;
    # a collision is astronomically unlikely, so a store never clobbers in practice.
    key = secrets.token_urlsafe(18) + ALLOWED[content_type]
    return StoredPhoto(key=key, content_type=content_type, size=len(data),
                       original_name=sanitise_name(original_name), data=data)


# --- where photos are kept --------------------------------------------------------------------


class FileStore:
    """Photos as files in one directory: for a single app server, or a shared volume."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def put(self, key: str, data: bytes) -> None:
        self.directory.mkdir(mode=0o750, parents=True, exist_ok=True)
        # The temp file lives in the same directory so os.replace is an atomic rename:
        # readers see either no file or the whole photo, never a partial write.
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".upload-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), 0o640)  # explicit, so the umask can't widen it
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.directory / key)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return photo_path(self.directory, key).read_bytes()

    def delete(self, key: str) -> None:
        delete_photo(self.directory, key)


class DatabaseStore:
    """Photos as rows of the database (table photo_blobs), in the transaction of the record
    they belong to: every app server sees them, a backup holds them, a rollback takes them
    back. Photos kept as files before (`fallback`) are still found there."""

    def __init__(self, session, fallback: FileStore | None = None) -> None:
        self.session = session
        self.fallback = fallback

    def put(self, key: str, data: bytes) -> None:
        from proposals.collection.models import PhotoBlob

        self.session.add(PhotoBlob(key=key, data=data))

    def get(self, key: str) -> bytes:
        from proposals.collection.models import PhotoBlob

        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise FileNotFoundError(f"no photo {key!r}")
        data = self.session.scalar(select(PhotoBlob.data).where(PhotoBlob.key == key))
        if data is not None:
            return bytes(data)
        if self.fallback is not None:
            return self.fallback.get(key)
        raise FileNotFoundError(f"no photo {key!r}")

    def delete(self, key: str) -> None:
        from proposals.collection.models import PhotoBlob

        self.session.execute(delete(PhotoBlob).where(PhotoBlob.key == key))


def photo_path(directory: Path, key: str) -> Path:
    """The stored file for `key`.

    Raises FileNotFoundError both for a malformed key and for a well-formed key
    with no file, so the web layer maps every case to one 404 and a probe can't
    tell "refused" from "absent". The key is checked before touching the disk.
    """
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise FileNotFoundError(f"no photo {key!r}")
    path = Path(directory) / key
    if not path.is_file():
        raise FileNotFoundError(f"no photo {key!r}")
    return path


def delete_photo(directory: Path, key: str) -> None:
    """Remove the photo if it exists; a missing or malformed key is silently a no-op."""
    # A malformed key can't name anything we stored, and must never reach unlink.
    if isinstance(key, str) and _KEY.fullmatch(key):
        (Path(directory) / key).unlink(missing_ok=True)


def serving_headers(content_type: str, *, public: bool = True) -> dict[str, str]:
    """Headers the web layer must send with a stored photo.

    `public=False` is for photos of proposals not (or no longer) public, e.g.
    drafts or moderated ones, which shared caches must not keep.
    """
    if content_type not in ALLOWED:
        raise ValueError(f"not a servable photo type: {content_type!r}")
    return {
        "Content-Type": content_type,
        # Stops browsers second-guessing the type and rendering bytes as HTML.
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
        # Keys are random and never reused, so a key's bytes never change.
        "Cache-Control": (
            "public, max-age=86400, immutable" if public else "private, max-age=86400"
        ),
        # If the file is ever opened as a document, it may load nothing and run nothing.
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
