"""Stored photos are fresh encodings of the decoded pixels: upright, stripped of metadata."""

import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from proposals.collection.photos import (
    MAX_PHOTO_PIXELS,
    PhotoRejected,
    photo_path,
    sniff_type,
    store_photo,
)

RED, BLUE = (255, 0, 0), (0, 0, 255)
SECRETS = (b"secret-comment", b"secret-xmp", b"Exif\x00\x00", b"PhoneMaker")


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (39.0, 54.0, 27.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (116.0, 23.0, 30.0),
    }
    return exif


def half_and_half(size=(40, 20)) -> Image.Image:
    """Red on the left half, blue on the right: which way is up survives a re-encode."""
    picture = Image.new("RGB", size, BLUE)
    picture.paste(RED, (0, 0, size[0] // 2, size[1]))
    return picture


def camera_jpeg(orientation: int = 1) -> bytes:
    out = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    half_and_half().save(out, "JPEG", quality=95, exif=exif_with_gps(orientation),
                         comment=b"secret-comment", icc_profile=srgb,
                         xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>")
    return out.getvalue()


def store(data: bytes, tmp_path: Path, name: str = "photo.jpg"):
    stored = store_photo(io.BytesIO(data), name, tmp_path)
    kept = photo_path(tmp_path, stored.key).read_bytes()
    return stored, kept


def opened(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def assert_no_metadata(data: bytes) -> None:
    picture = opened(data)
    assert dict(picture.getexif()) == {}
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Location"):
        assert key not in picture.info
    for secret in SECRETS:
        assert secret not in data


def test_the_upload_carries_what_the_stored_photo_must_not(tmp_path):
    """The test's JPEG really has the metadata the other tests look for."""
    upload = opened(camera_jpeg())
    assert upload.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert upload.info["comment"] == b"secret-comment" and "icc_profile" in upload.info


def test_a_camera_jpeg_is_stored_as_a_fresh_jpeg_without_exif_or_gps(tmp_path):
    stored, kept = store(camera_jpeg(), tmp_path)
    assert stored.content_type == "image/jpeg" and stored.key.endswith(".jpg")
    assert sniff_type(kept) == "image/jpeg" and opened(kept).format == "JPEG"
    assert stored.size == len(kept)
    assert kept != camera_jpeg()
    assert_no_metadata(kept)


def test_the_orientation_is_applied_before_the_exif_goes(tmp_path):
    # 6: the camera was turned a quarter clockwise; the picture is shown rotated 90°.
    _, kept = store(camera_jpeg(orientation=6), tmp_path)
    upright = opened(kept).convert("RGB")
    assert upright.size == (20, 40)  # tall now, as it was shot
    top, bottom = upright.getpixel((10, 5)), upright.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60  # the left (red) half is on top
    assert bottom[2] > 200 and bottom[0] < 60
    assert_no_metadata(kept)


def test_an_upright_photo_keeps_its_shape(tmp_path):
    _, kept = store(camera_jpeg(orientation=1), tmp_path)
    assert opened(kept).size == (40, 20)


def test_a_png_stays_a_png_without_its_text_or_exif(tmp_path):
    text = PngInfo()
    text.add_text("Location", "secret-comment 和平社区")
    out = io.BytesIO()
    half_and_half().convert("RGBA").save(out, "PNG", pnginfo=text, exif=exif_with_gps())
    stored, kept = store(out.getvalue(), tmp_path, "screen.png")
    assert stored.content_type == "image/png" and stored.key.endswith(".png")
    picture = opened(kept)
    assert picture.format == "PNG" and picture.mode == "RGBA" and picture.size == (40, 20)
    assert_no_metadata(kept)


@pytest.mark.parametrize("lossless", [True, False])
def test_a_webp_stays_a_webp_without_exif(tmp_path, lossless):
    out = io.BytesIO()
    half_and_half().save(out, "WEBP", lossless=lossless, exif=exif_with_gps(),
                         xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>")
    stored, kept = store(out.getvalue(), tmp_path, "pic.webp")
    assert stored.content_type == "image/webp" and stored.key.endswith(".webp")
    assert opened(kept).format == "WEBP"
    assert (kept[12:16] == b"VP8L") is lossless
    assert_no_metadata(kept)


@pytest.mark.parametrize(
    "data",
    [
        camera_jpeg()[: len(camera_jpeg()) // 2],  # cut off mid-scan
        b"\xff\xd8\xff\xe0" + b"\x13\x37" * 2000,  # a JPEG header, then garbage
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # a PNG signature, then nothing real
        b"RIFF\x20\x00\x00\x00WEBPVP8 " + b"\xaa" * 24,  # a WebP container of garbage
    ],
    ids=["truncated-jpeg", "jpeg-header-garbage", "png-signature-only", "webp-garbage"],
)
def test_bytes_that_do_not_decode_are_not_an_image_and_leave_nothing(tmp_path, data):
    with pytest.raises(PhotoRejected) as refused:
        store_photo(io.BytesIO(data), "photo.jpg", tmp_path)
    assert refused.value.code == "not_an_image"
    assert list(tmp_path.iterdir()) == []


def test_a_decompression_bomb_is_refused_by_its_header(tmp_path):
    # A few kilobytes on disk, 64 megapixels once decoded.
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000 and 8000 * 8000 > MAX_PHOTO_PIXELS
    with pytest.raises(PhotoRejected) as refused:
        store_photo(io.BytesIO(out.getvalue()), "bomb.png", tmp_path)
    assert refused.value.code == "too_many_pixels"
    assert refused.value.params == {"max_megapixels": MAX_PHOTO_PIXELS // 1_000_000}
    assert list(tmp_path.iterdir()) == []


def test_a_photo_at_the_pixel_limit_is_accepted(tmp_path):
    out = io.BytesIO()
    Image.new("L", (10_000, MAX_PHOTO_PIXELS // 10_000)).save(out, "PNG")
    stored, kept = store(out.getvalue(), tmp_path, "big.png")
    assert opened(kept).size == (10_000, MAX_PHOTO_PIXELS // 10_000)
