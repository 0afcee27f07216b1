"""Pages for delegates: the assemblies they sit in and the cycles before them."""

from flask import Blueprint

bp = Blueprint("delegates", __name__, url_prefix="/delegate")

# This audience's own pages, then each context's views hung on this blueprint: a context
# keeps its forms, messages and views together in app/<context>/ (docs/architecture.md).
from app.ballots import delegates as ballots_views  # noqa: E402,F401
from app.council import delegates as council_views  # noqa: E402,F401
from app.delegates import routes  # noqa: E402,F401
from app.evaluation import delegates as evaluation_views  # noqa: E402,F401
from app.implementation import delegates as implementation_views  # noqa: E402,F401
