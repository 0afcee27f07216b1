"""Photos sent with a form: stored all or none (a rejected one removes the others), served inert."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Response, abort, current_app, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from proposals.collection.models import Proposal, ProposalPhoto
from proposals.collection.photos import (
    MAX_PHOTO_BYTES,
    MAX_PHOTO_PIXELS,
    MAX_PHOTOS_PER_PROPOSAL,
    DatabaseStore,
    FileStore,
    PhotoRejected,
    StoredPhoto,
    prepare_photo,
    serving_headers,
)

# A photo opened on its own runs nothing, even if a browser were fooled about its type.
PHOTO_POLICY = {"default-src": "'none'", "sandbox": ""}

MB = 1024 * 1024
# What a person can act on; the request limit (app.config) is their total plus the text.
PHOTO_LIMITS = {"n": MAX_PHOTOS_PER_PROPOSAL, "mb": MAX_PHOTO_BYTES // MB,
                "total": MAX_PHOTOS_PER_PROPOSAL * MAX_PHOTO_BYTES // MB}
PHOTO_HELP = _l("Up to %(n)d photos, JPEG, PNG or WebP, at most %(mb)d MB each and "
                "%(total)d MB together.", **PHOTO_LIMITS)


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def photo_store() -> FileStore | DatabaseStore:
    """Where photos are kept (YISHI_PHOTO_STORE): in the database by default, so every app
    server sees every photo; or as files in UPLOAD_DIR. The database store still finds
    photos kept as files before it was chosen."""
    files = FileStore(upload_dir())
    if current_app.config["PHOTO_STORE"] == "files":
        return files
    from app.db import get_session

    return DatabaseStore(get_session(), fallback=files)


def photo_message(rejected: PhotoRejected, name: str) -> str:
    if rejected.code == "too_large":
        return _("%(name)s is larger than %(mb)d MB.", name=name,
                 mb=PHOTO_LIMITS["mb"])
    if rejected.code == "empty":
        return _("%(name)s is empty.", name=name)
    if rejected.code == "too_many_pixels":
        return _("%(name)s has more than %(mp)d megapixels; send a smaller version.",
                 name=name, mp=MAX_PHOTO_PIXELS // 1_000_000)
    return _("%(name)s is not a JPEG, PNG or WebP photo.", name=name)


def store_all(files) -> tuple[list[StoredPhoto], list[str]]:
    """Store the uploaded files; on any error store none and return the messages."""
    files = [f for f in files or [] if f and f.filename]
    if len(files) > MAX_PHOTOS_PER_PROPOSAL:
        return [], [_("At most %(n)d photos.", n=MAX_PHOTOS_PER_PROPOSAL)]
    stored, errors = [], []
    for upload in files:
        try:
            stored.append(prepare_photo(upload.stream, upload.filename))
        except PhotoRejected as rejected:
            errors.append(photo_message(rejected, upload.filename))
    if errors:
        return [], errors
    store = photo_store()
    if isinstance(store, FileStore):  # files are written now and removed again by discard()
        for item in stored:
            store.put(item.key, item.data)
    return stored, []


def keep(stored: list[StoredPhoto]) -> None:
    """Inside the unit of work that records the photos: the database store writes their
    bytes in the same transaction (the file store wrote them in store_all)."""
    store = photo_store()
    if isinstance(store, DatabaseStore):
        for item in stored:
            store.put(item.key, item.data)


def attach(proposal: Proposal, stored: list[StoredPhoto]) -> None:
    keep(stored)
    for item in stored:
        proposal.photos.append(ProposalPhoto(
            key=item.key, content_type=item.content_type, size=item.size,
            original_name=item.original_name))


def discard(stored: list[StoredPhoto]) -> None:
    """After a rollback: remove files written for nothing (database rows went with it)."""
    store = FileStore(upload_dir())
    for item in stored:
        store.delete(item.key)


def send_photo(key: str, content_type: str, *, public: bool = True) -> Response:
    """A stored photo's bytes with the headers that keep a browser from running them; 404
    when the file is gone. The caller has already checked who may see it."""
    try:
        data = photo_store().get(key)
    except FileNotFoundError:
        abort(404)
    # A key names one photo forever, so it is its own ETag.
    response = send_file(io.BytesIO(data), mimetype=content_type, conditional=True,
                         max_age=86400, etag=key, download_name=key)
    response.headers.update(serving_headers(content_type, public=public))
    return response
