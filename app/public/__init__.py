"""Pages for everyone, signed in or not: cycles, assemblies, the language switch."""

from flask import Blueprint

bp = Blueprint("public", __name__)

# This audience's own pages, then each context's views hung on this blueprint: a context
# keeps its forms, messages and views together in app/<context>/ (docs/architecture.md).
from app.ballots import kiosk as kiosk_views  # noqa: E402,F401  (hall tablets)
from app.ballots import public as ballots_views  # noqa: E402,F401
from app.ballots import screen as screen_views  # noqa: E402,F401  (and its desk switch)
from app.collection import public as collection_views  # noqa: E402,F401
from app.council import public as council_views  # noqa: E402,F401
from app.documents import public as documents_views  # noqa: E402,F401
from app.evaluation import public as evaluation_views  # noqa: E402,F401
from app.implementation import public as implementation_views  # noqa: E402,F401
from app.opendata import public as opendata_views  # noqa: E402,F401
from app.public import privacy as privacy_views  # noqa: E402,F401  (the privacy notice)
from app.public import routes  # noqa: E402,F401
from app.requests import public as requests_views  # noqa: E402,F401
from app.shortlist import public as shortlist_views  # noqa: E402,F401
