"""Pages for residents: their own proposals and their standing."""

from flask import Blueprint

bp = Blueprint("residents", __name__, url_prefix="/resident")

# This audience's own pages, then each context's views hung on this blueprint: a context
# keeps its forms, messages and views together in app/<context>/ (docs/architecture.md).
from app.assisted import residents as assisted_views  # noqa: E402,F401
from app.collection import residents as collection_views  # noqa: E402,F401
from app.council import residents as council_views  # noqa: E402,F401
from app.evaluation import residents as evaluation_views  # noqa: E402,F401
from app.requests import merge as requests_merge_views  # noqa: E402,F401  (co-requesters)
from app.requests import residents as requests_views  # noqa: E402,F401
from app.residence import residents as residence_views  # noqa: E402,F401
from app.residents import routes  # noqa: E402,F401
