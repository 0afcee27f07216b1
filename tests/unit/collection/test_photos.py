"""Unit tests for proposals.photos: sniffing, storing, key checks and serving headers."""

import dataclasses
import io
import re
import stat
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from proposals.collection import photos
from proposals.collection.photos import (
    ALLOWED,
    MAX_PHOTO_BYTES,
    PhotoRejected,
    StoredPhoto,
    delete_photo,
    photo_path,
    sanitise_name,
    serving_headers,
    sniff_type,
    store_photo,
)

KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(jpg|png|webp)$")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png() -> bytes:
    """A real 1x1 RGB PNG: signature, IHDR, IDAT, IEND."""
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")  # filter byte + one red pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def _encoded(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1, 1), (255, 0, 0)).save(out, fmt)
    return out.getvalue()


def make_jpeg() -> bytes:
    """A real 1x1 JPEG (photos are decoded now, so a header alone is no longer enough)."""
    return _encoded("JPEG")


def make_webp() -> bytes:
    """A real 1x1 WebP in its RIFF container (decoded too, like the JPEG)."""
    return _encoded("WEBP")


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def _files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


@pytest.mark.parametrize(
    ("data", "content_type", "ext"),
    [
        (make_png(), "image/png", ".png"),
        (make_jpeg(), "image/jpeg", ".jpg"),
        (make_webp(), "image/webp", ".webp"),
    ],
)
def test_store_accepts_real_images(tmp_path, data, content_type, ext):
    directory = tmp_path / "photos"
    # A misleading client filename must not matter: the bytes decide.
    stored = store_photo(io.BytesIO(data), "holiday.gif", directory)

    assert stored.content_type == content_type
    assert stored.key.endswith(ext)
    assert KEY.fullmatch(stored.key)
    assert stored.original_name == "holiday.gif"
    path = photo_path(directory, stored.key)
    assert path == directory / stored.key
    # A fresh encoding of the same type is stored, not the uploaded bytes.
    assert sniff_type(path.read_bytes()) == content_type
    assert stored.size == len(path.read_bytes())
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert stat.S_IMODE(directory.stat().st_mode) & 0o027 == 0
    assert _files(directory) == [stored.key]


def test_keys_are_random(tmp_path):
    keys = {store_photo(io.BytesIO(make_png()), "a.png", tmp_path).key for _ in range(20)}
    assert len(keys) == 20
    assert len(_files(tmp_path)) == 20


def test_stored_photo_is_frozen(tmp_path):
    stored = store_photo(io.BytesIO(make_png()), "a.png", tmp_path)
    assert isinstance(stored, StoredPhoto)
    with pytest.raises(dataclasses.FrozenInstanceError):
        stored.key = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (HTML, "cat.jpg", "type_not_allowed"),
        (b"\n  <html><p>hi</p></html>", "cat.png", "type_not_allowed"),
        (SVG, "logo.png", "type_not_allowed"),
        (b"<svg onload='alert(1)'/>", "logo.webp", "type_not_allowed"),
        (GIF, "anim.gif", "type_not_allowed"),
        (b"%PDF-1.7\n...", "scan.jpg", "type_not_allowed"),
        (b"just some text, not a picture", "notes.jpg", "not_an_image"),
        (b"\xff\xd8", "truncated.jpg", "not_an_image"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "sound.webp", "not_an_image"),
        (b"", "empty.jpg", "empty"),
    ],
)
def test_store_rejects_bad_uploads_and_leaves_nothing(tmp_path, data, name, code):
    with pytest.raises(PhotoRejected) as exc:
        store_photo(io.BytesIO(data), name, tmp_path)
    assert exc.value.code == code
    assert _files(tmp_path) == []


def test_too_large_rejected_without_reading_everything(tmp_path):
    data = make_png() + b"\x00" * (MAX_PHOTO_BYTES + 1 - len(make_png()))
    assert len(data) == MAX_PHOTO_BYTES + 1
    with pytest.raises(PhotoRejected) as exc:
        store_photo(io.BytesIO(data), "big.png", tmp_path / "photos")
    assert exc.value.code == "too_large"
    assert exc.value.params == {"max_mb": 5}
    assert _files(tmp_path) == []  # not even the directory, let alone temp files

    class Endless(io.RawIOBase):
        """A stream that never ends; counts how much was pulled from it."""

        pulled = 0

        def readable(self):
            return True

        def readinto(self, b):
            n = len(b)
            b[:n] = b"\x89PNG\r\n\x1a\n"[:n].ljust(n, b"\x00")
            self.pulled += n
            return n

    endless = Endless()
    with pytest.raises(PhotoRejected) as exc:
        store_photo(endless, "endless.png", tmp_path)
    assert exc.value.code == "too_large"
    assert endless.pulled == MAX_PHOTO_BYTES + 1


def test_exactly_max_bytes_is_accepted(tmp_path):
    png = make_png()
    data = png + b"\x00" * (MAX_PHOTO_BYTES - len(png))
    stored = store_photo(io.BytesIO(data), "max.png", tmp_path)
    # Accepted; the size is the stored re-encoding's (the padding is gone), not the upload's.
    assert stored.size == photo_path(tmp_path, stored.key).stat().st_size


def test_failed_write_leaves_no_temp_file(tmp_path, monkeypatch):
    def boom(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(photos.os, "replace", boom)
    with pytest.raises(OSError, match="disk on fire"):
        store_photo(io.BytesIO(make_png()), "a.png", tmp_path)
    assert _files(tmp_path) == []


def test_sniff_type():
    assert sniff_type(make_png()) == "image/png"
    assert sniff_type(make_jpeg()) == "image/jpeg"
    assert sniff_type(make_webp()) == "image/webp"
    assert sniff_type(GIF) == "image/gif"
    assert sniff_type(SVG) == "image/svg+xml"
    assert sniff_type(b"\xef\xbb\xbf  <!-- x --><svg/>") == "image/svg+xml"
    assert sniff_type(HTML) == "text/html"
    assert sniff_type(b"\xef\xbb\xbf<HTML>") == "text/html"
    assert sniff_type(b"") is None
    assert sniff_type(b"RIFF") is None
    for content_type in ("image/gif", "image/svg+xml", "text/html", "application/pdf"):
        assert content_type not in ALLOWED


@pytest.mark.parametrize(
    "key",
    [
        "../etc/passwd",
        "a/b.jpg",
        "..%2f.jpg",
        "short.jpg",
        "../" + "a" * 20 + ".jpg",
        "a" * 20 + ".jpg/../../x",
        "a" * 20 + ".svg",
        "a" * 20 + ".html",
        "a" * 20 + ".JPG",
        "a" * 65 + ".jpg",
        ".." + "a" * 20 + ".jpg",
        "a" * 20 + ".jpg\n",
        "a" * 20 + "\x00.jpg",
        "/" + "a" * 20 + ".jpg",
        "",
    ],
)
def test_photo_path_refuses_bad_keys(tmp_path, key):
    with pytest.raises(FileNotFoundError):
        photo_path(tmp_path, key)


def test_photo_path_missing_key_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        photo_path(tmp_path, "A" * 24 + ".png")


def test_delete_photo(tmp_path):
    stored = store_photo(io.BytesIO(make_png()), "a.png", tmp_path)
    delete_photo(tmp_path, stored.key)
    assert _files(tmp_path) == []
    delete_photo(tmp_path, stored.key)  # already gone: silent

    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    inner = tmp_path / "photos"
    inner.mkdir()
    delete_photo(inner, "../outside.txt")  # malformed: ignored, never unlinked
    assert outside.exists()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../evil\x00.png", "evil.png"),
        ("C:\\Users\\li\\Desktop\\路灯坏了.jpg", "路灯坏了.jpg"),
        ("photo\u202egnp.exe", "photognp.exe"),
        ("line\r\nbreak.jpg", "linebreak.jpg"),
        ("  spaced.png  ", "spaced.png"),
        ("..", ""),
        ("dir/", ""),
    ],
)
def test_sanitise_name(raw, clean):
    assert sanitise_name(raw) == clean


def test_sanitise_name_caps_length_and_keeps_extension():
    name = sanitise_name("x" * 500 + ".jpeg")
    assert len(name) == 120
    assert name.endswith(".jpeg")
    assert len(sanitise_name("y" * 500)) == 120


def test_store_sanitises_original_name(tmp_path):
    stored = store_photo(io.BytesIO(make_png()), "../../evil\x00.png", tmp_path)
    assert stored.original_name == "evil.png"
    assert _files(tmp_path) == [stored.key]


def test_rejection_params():
    exc = PhotoRejected("empty")
    assert exc.code == "empty"
    assert exc.params == {}


@pytest.mark.parametrize("content_type", sorted(ALLOWED))
def test_serving_headers(content_type):
    headers = serving_headers(content_type)
    assert headers == {
        "Content-Type": content_type,
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
        "Cache-Control": "public, max-age=86400, immutable",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    assert serving_headers(content_type, public=False)["Cache-Control"] == (
        "private, max-age=86400"
    )


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "image/gif", ""])
def test_serving_headers_refuses_other_types(content_type):
    with pytest.raises(ValueError):
        serving_headers(content_type)
