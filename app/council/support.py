"""What the council's pages of every audience share: finding the council a URL names."""

from __future__ import annotations

from flask import abort

from app.db import get_session
from proposals.council.models import Council


def load_council(council_id: int) -> Council:
    return get_session().get(Council, council_id) or abort(404)
